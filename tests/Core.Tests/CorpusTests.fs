/// The shared corpus of invalid declarations (tests/Corpus): `Spec.validate` must report exactly
/// the codes each case lists for its JSON twin; Generators.Tests checks the C# side.
module Qnn.Tests.CorpusTests

open System
open System.IO
open Xunit
open Qnn

let private corpus = Path.Combine(AppContext.BaseDirectory, "Corpus")

let cases () : seq<obj[]> =
    Directory.GetFiles(corpus, "*.json") |> Array.sort |> Seq.map (fun f -> [| box (Path.GetFileNameWithoutExtension f) |])

[<Theory>]
[<MemberData(nameof cases)>]
let ``Spec.validate reports the listed codes`` (name: string) =
    let header = File.ReadLines(Path.Combine(corpus, name + ".cs")) |> Seq.head
    let expected = header.Replace("// expect:", "").Split(' ', StringSplitOptions.RemoveEmptyEntries) |> Array.sort |> List.ofArray
    match Spec.ofJson (File.ReadAllText(Path.Combine(corpus, name + ".json"))) with
    | Error e -> failwith e
    | Ok spec ->
        let codes = Spec.validate spec |> List.map (fun d -> d.Code) |> List.distinct |> List.sort
        Assert.Equal<string list>(expected, codes)

[<Fact>]
let ``every case but the C#-only codes has a JSON twin`` () =
    for file in Directory.GetFiles(corpus, "*.cs") do
        let header = File.ReadLines file |> Seq.head
        let csharpOnly = header.Contains "QNN001" || header.Contains "QNN011"
        Assert.True(csharpOnly <> File.Exists(Path.ChangeExtension(file, ".json")), file)
