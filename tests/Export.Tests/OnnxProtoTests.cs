using Qnn.Tests.Support;
using System.Text.RegularExpressions;
using Google.Protobuf.Reflection;
using Qnn.Export.Onnx.Proto;
using Xunit;

namespace Qnn.Export.Tests;

/// <summary>src/Export/Onnx/onnx.proto is our own subset of ONNX's schema: every message, field
/// and enum value it declares must be the official one (name, number, type, label, packing,
/// oneof), read from the onnx.proto that Debian's python3-onnx installs.</summary>
public class OnnxProtoTests
{
    private sealed record OfficialField(string Label, string Type, string Name, int Number, bool Packed, string? Oneof);

    private sealed class OfficialSchema
    {
        public Dictionary<string, Dictionary<string, OfficialField>> Messages { get; } = new();
        public Dictionary<string, Dictionary<string, int>> Enums { get; } = new();
    }

    /// <summary>A small reader of proto2 files: messages (nested), enums, oneofs and fields;
    /// options, reserved ranges and the file's header are stepped over.</summary>
    private static OfficialSchema Parse(string text)
    {
        text = Regex.Replace(text, @"/\*.*?\*/", " ", RegexOptions.Singleline);
        text = Regex.Replace(text, @"//[^\n]*", " ");
        var tokens = Regex.Matches(text, @"""[^""]*""|[A-Za-z_][A-Za-z0-9_.]*|0x[0-9A-Fa-f]+|-?\d+|[{}=;\[\],<>()]").Select(m => m.Value).ToList();
        var schema = new OfficialSchema();
        var at = 0;
        string Next() => tokens[at++];
        void Expect(string token) => Assert.True(Next() == token, $"onnx.proto: expected {token} at token {at}");
        void SkipStatement() { while (Next() != ";") { } }
        int Number(string token) => token.StartsWith("0x") ? Convert.ToInt32(token, 16) : int.Parse(token);

        void Enum(string prefix)
        {
            var name = prefix + Next();
            Expect("{");
            var values = schema.Enums[name] = new Dictionary<string, int>();
            for (var token = Next(); token != "}"; token = Next())
            {
                if (token == "option") { SkipStatement(); continue; }
                if (token == ";") continue;
                Expect("=");
                values[token] = Number(Next());
                SkipStatement();
            }
        }

        void Message(string prefix)
        {
            var name = prefix + Next();
            Expect("{");
            var fields = schema.Messages[name] = new Dictionary<string, OfficialField>();
            string? oneof = null;
            for (var token = Next(); ; token = Next())
            {
                switch (token)
                {
                    case "}" when oneof is not null: oneof = null; continue;
                    case "}": return;
                    case ";": continue;
                    case "message": Message(name + "."); continue;
                    case "enum": Enum(name + "."); continue;
                    case "oneof": oneof = Next(); Expect("{"); continue;
                    case "reserved" or "option" or "extensions": SkipStatement(); continue;
                }
                var label = token is "optional" or "repeated" or "required" ? token : "optional";
                var type = token is "optional" or "repeated" or "required" ? Next() : token;
                var field = Next();
                Expect("=");
                var number = Number(Next());
                var packed = false;
                for (var rest = Next(); rest != ";"; rest = Next())
                {
                    if (rest == "packed" && Next() == "=" && Next() == "true") packed = true;
                }
                fields[field] = new OfficialField(label, type, field, number, packed, oneof);
            }
        }

        while (at < tokens.Count)
        {
            var token = Next();
            if (token == "message") Message("");
            else if (token == "enum") Enum("");
            else if (token is "syntax" or "package" or "option" or "import") SkipStatement();
        }
        return schema;
    }

    /// <summary>The official proto type text of one of our fields, as the official file spells it
    /// relative to the message or package (compared by its last part for messages and enums).</summary>
    private static string TypeOf(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.Message => field.MessageType.Name,
        FieldType.Enum => field.EnumType.Name,
        var scalar => scalar.ToString().ToLowerInvariant(),
    };

    private static IEnumerable<(string Name, MessageDescriptor Message)> Messages(IEnumerable<MessageDescriptor> messages, string prefix) =>
        messages.SelectMany(m => new[] { (prefix + m.Name, m) }.Concat(Messages(m.NestedTypes, prefix + m.Name + ".")));

    private static OfficialSchema Official() => Parse(File.ReadAllText(OnnxTools.OfficialProto()));

    [SkippableFact]
    public void Every_message_and_field_we_declare_is_the_official_one()
    {
        var official = Official();
        var ours = Messages(OnnxReflection.Descriptor.MessageTypes, "").ToList();
        Assert.Contains(ours, m => m.Name == "ModelProto");
        Assert.Contains(ours, m => m.Name == "TensorShapeProto.Dimension");
        var checkedFields = 0;
        foreach (var (name, message) in ours)
        {
            Assert.True(official.Messages.TryGetValue(name, out var fields), $"onnx.proto has no message {name}");
            foreach (var field in message.Fields.InDeclarationOrder())
            {
                Assert.True(fields!.TryGetValue(field.Name, out var expected), $"onnx.proto's {name} has no field {field.Name}");
                Assert.True(expected!.Number == field.FieldNumber, $"{name}.{field.Name}: number {field.FieldNumber}, official {expected.Number}");
                Assert.True(expected.Type.Split('.')[^1] == TypeOf(field), $"{name}.{field.Name}: type {TypeOf(field)}, official {expected.Type}");
                Assert.True((expected.Label == "repeated") == field.IsRepeated, $"{name}.{field.Name}: repeated {field.IsRepeated}, official {expected.Label}");
                Assert.True(expected.Packed == field.IsPacked, $"{name}.{field.Name}: packed {field.IsPacked}, official {expected.Packed}");
                Assert.True(expected.Oneof == field.RealContainingOneof?.Name, $"{name}.{field.Name}: oneof {field.RealContainingOneof?.Name}, official {expected.Oneof}");
                checkedFields++;
            }
        }
        Assert.True(checkedFields >= 40, $"only {checkedFields} fields compared");
    }

    [SkippableFact]
    public void Every_enum_value_we_declare_is_the_official_one()
    {
        var official = Official();
        var enums = Messages(OnnxReflection.Descriptor.MessageTypes, "")
            .SelectMany(m => m.Message.EnumTypes.Select(e => (Name: m.Name + "." + e.Name, Enum: e))).ToList();
        Assert.Contains(enums, e => e.Name == "TensorProto.DataType");
        foreach (var (name, descriptor) in enums)
        {
            Assert.True(official.Enums.TryGetValue(name, out var values), $"onnx.proto has no enum {name}");
            foreach (var value in descriptor.Values)
                Assert.True(values!.TryGetValue(value.Name, out var number) && number == value.Number,
                    $"{name}.{value.Name} = {value.Number}: official {(values.TryGetValue(value.Name, out var n) ? n.ToString() : "absent")}");
        }
    }

    [Fact]
    public void The_reader_of_proto_files_sees_a_wrong_number()
    {
        // The check above can fail: a field number that differs from the file's is read as such.
        var schema = Parse("""
            syntax = "proto2"; package onnx;
            // a comment
            message NodeProto { repeated string input = 1; optional string op_type = 5; oneof value { int64 i = 3; } }
            message TensorProto { enum DataType { FLOAT = 1; } repeated float float_data = 4 [packed = true]; };
            """);
        Assert.Equal(5, schema.Messages["NodeProto"]["op_type"].Number);
        Assert.Equal("repeated", schema.Messages["NodeProto"]["input"].Label);
        Assert.Equal("value", schema.Messages["NodeProto"]["i"].Oneof);
        Assert.True(schema.Messages["TensorProto"]["float_data"].Packed);
        Assert.Equal(1, schema.Enums["TensorProto.DataType"]["FLOAT"]);
        var ours = OnnxReflection.Descriptor.MessageTypes.First(m => m.Name == "NodeProto").FindFieldByName("op_type");
        Assert.NotEqual(schema.Messages["NodeProto"]["op_type"].Number, ours.FieldNumber);
    }
}
