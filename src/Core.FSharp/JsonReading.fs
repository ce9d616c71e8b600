/// Reading JSON files the user wrote or a program saved, strictly: every value's type is checked,
/// an unknown or repeated field is an error (a typo must not be ignored), and each error names the
/// JSON path at fault (`$.layers[2].weights: …`). Shared by the spec and training-config readers.
module internal Qnn.JsonReading

open System
open System.Text.Json

exception JsonFormatException of path: string * problem: string
    with
        override this.Message =
            match this :> exn with
            | JsonFormatException(path, problem) -> $"{path}: {problem}"
            | _ -> "bad JSON"

let fail path problem = raise (JsonFormatException(path, problem))

/// The properties of an object, refusing any name outside `allowed`.
let properties (path: string) (allowed: string list) (element: JsonElement) =
    if element.ValueKind <> JsonValueKind.Object then fail path $"expected an object, found {element.ValueKind}"
    let expected () = String.Join(", ", allowed)
    // JSON lets a key repeat and JsonDocument keeps both; taking either silently would hide a
    // mistake (two "dense" sizes, two "bits"), so a repeated key is an error.
    element.EnumerateObject()
    |> Seq.fold
        (fun (props: Map<string, JsonElement>) p ->
            if not (List.contains p.Name allowed) then
                fail $"{path}.{p.Name}" $"unknown field; expected one of: {expected ()}"
            if props.ContainsKey p.Name then
                fail $"{path}.{p.Name}" $"duplicate key \"{p.Name}\"; each field may appear once"
            props.Add(p.Name, p.Value))
        Map.empty

let integer path (e: JsonElement) =
    match e.ValueKind with
    | JsonValueKind.Number ->
        match e.TryGetInt32() with
        | true, v -> v
        | _ -> fail path $"expected an integer, found {e.GetRawText()}"
    | kind -> fail path $"expected an integer, found {kind}"

/// A JSON number as a double. A literal beyond the double range (1e400) reads as ±∞, as
/// `Double.Parse` gives it (JsonElement.GetDouble would throw): the value is then refused by
/// the rule it breaks, which names the field.
let number path (e: JsonElement) =
    match e.ValueKind with
    | JsonValueKind.Number ->
        match e.TryGetDouble() with
        | true, v -> v
        | _ -> Double.Parse(e.GetRawText(), Globalization.NumberStyles.Float, Globalization.CultureInfo.InvariantCulture)
    | kind -> fail path $"expected a number, found {kind}"

let boolean path (e: JsonElement) =
    match e.ValueKind with
    | JsonValueKind.True -> true
    | JsonValueKind.False -> false
    | kind -> fail path $"expected true or false, found {kind}"

let text path (e: JsonElement) =
    if e.ValueKind = JsonValueKind.String then e.GetString() else fail path $"expected a string, found {e.ValueKind}"

/// One of `choices` (compared without case), as written in `choices`.
let choice (choices: string list) path (e: JsonElement) =
    let value = text path e
    match choices |> List.tryFind (fun c -> String.Equals(c, value, StringComparison.OrdinalIgnoreCase)) with
    | Some c -> c
    | None ->
        let expected = String.Join(", ", choices)
        fail path $"\"{value}\" is not one of: {expected}"

/// An enum's values by name, case-insensitive, built once per type (a spec may name thousands).
type private EnumNames<'T when 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType and 'T: enum<int>>() =
    static let names = Enum.GetNames(typeof<'T>)
    static let values =
        Collections.Generic.Dictionary<string, 'T>(names |> Seq.map (fun n -> Collections.Generic.KeyValuePair(n, Enum.Parse<'T>(n))), StringComparer.OrdinalIgnoreCase)
    static member Expected = String.Join(", ", names)
    static member TryFind(name: string) =
        match values.TryGetValue name with
        | true, value -> Some value
        | _ -> None

let enumValue<'T when 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType and 'T: enum<int>> path (e: JsonElement) : 'T =
    match e.ValueKind with
    | JsonValueKind.String ->
        match EnumNames<'T>.TryFind(e.GetString()) with
        | Some value -> value
        | None -> fail path $"\"{e.GetString()}\" is not a {typeof<'T>.Name}; expected one of: {EnumNames<'T>.Expected}"
    | kind -> fail path $"expected a {typeof<'T>.Name} name, found {kind}"

let required (props: Map<string, JsonElement>) path name read =
    match props.TryFind name with
    | Some e -> read $"{path}.{name}" e
    | None -> fail path $"missing field \"{name}\""

/// A field that must be present and may be null (None).
let requiredOrNull (props: Map<string, JsonElement>) path name read =
    match props.TryFind name with
    | Some e when e.ValueKind = JsonValueKind.Null -> None
    | Some e -> Some(read $"{path}.{name}" e)
    | None -> fail path $"missing field \"{name}\""

/// A field that may be absent or null.
let optional (props: Map<string, JsonElement>) path name read =
    match props.TryFind name with
    | Some e when e.ValueKind <> JsonValueKind.Null -> Some(read $"{path}.{name}" e)
    | _ -> None

/// The options every reader parses with: comments and trailing commas allowed, nesting bounded.
let documentOptions = JsonDocumentOptions(CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 64)

/// Parses `json` and reads its root with `readRoot`, or says what is wrong and where.
let readText (readRoot: JsonElement -> 'T) (json: string) : Result<'T, string> =
    try
        use document = JsonDocument.Parse(json, documentOptions)
        Ok(readRoot document.RootElement)
    with
    | JsonFormatException(path, problem) -> Error $"{path}: {problem}"
    | :? JsonException as e -> Error $"not valid JSON: {e.Message}"
