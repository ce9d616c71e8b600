using Qnn.Host.Cli;
using Qnn.Models;
using TorchSharp;

namespace Qnn.Host.Catalog;


/// <summary>The models declared in Qnn.Models (through the generator), and spec files (`--model path.json`).</summary>
public static class ModelCatalog
{
    public static IReadOnlyList<DeclaredModel> All => DeclaredModels.All;

    public static string Names => string.Join(", ", All.Select(m => m.Name));

    /// <summary>A declared model by name, or a spec file (a path that exists or ends in .json).</summary>
    public static DeclaredModel Resolve(string nameOrFile)
    {
        var declared = All.FirstOrDefault(m => string.Equals(m.Name, nameOrFile, StringComparison.OrdinalIgnoreCase));
        if (declared is not null)
            return declared;
        if (!File.Exists(nameOrFile))
        {
            throw new UsageException(nameOrFile.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
                ? $"--model {nameOrFile}: no such file"
                : $"--model {nameOrFile}: unknown model; known models: {Names}, or a spec file (.json)");
        }
        var spec = ReadSpecFile(nameOrFile);
        var dataSet = spec.Kind == ModelKind.Cnn ? "mini-mnist" : "vertebral";
        return new DeclaredModel(spec.Name, spec, () => global::Qnn.Spec.build(spec), dataSet, $"from {nameOrFile}");
    }

    /// <summary>The model a training record names: the declared model of that name when its spec is
    /// the recorded one, else a network built from the recorded spec.</summary>
    public static DeclaredModel FromRecord(string name, ModelSpec spec, string recordPath)
    {
        var json = global::Qnn.Spec.toJson(spec);
        var declared = All.FirstOrDefault(m => m.Name == name && global::Qnn.Spec.toJson(m.Spec) == json);
        if (declared is not null)
            return declared;
        var dataSet = spec.Kind == ModelKind.Cnn ? "mini-mnist" : "vertebral";
        return new DeclaredModel(name, spec, () => global::Qnn.Spec.build(spec), dataSet, $"as recorded in {recordPath}");
    }

    /// <summary>The largest spec file read (a spec of thousands of layers is a few hundred KB).</summary>
    public const long MaxSpecBytes = 16L << 20;

    /// <summary>Reads and validates a spec file; format errors and rule violations are usage errors.</summary>
    public static ModelSpec ReadSpecFile(string path)
    {
        string text;
        try
        {
            text = Persistence.InputFile.ReadAllText("--model", path, MaxSpecBytes);
        }
        catch (Data.DataException e)
        {
            // A spec file that cannot be read is a bad --model, as one that does not parse (exit 2).
            throw new UsageException(e.Message);
        }
        var read = global::Qnn.Spec.ofJson(text);
        if (read.IsError)
            throw new UsageException($"--model {path}: {read.ErrorValue}");
        var spec = read.ResultValue;
        var errors = global::Qnn.Spec.validate(spec).Where(d => d.IsError).ToList();
        if (errors.Count > 0)
            throw new UsageException($"--model {path} is not a valid model:\n" + string.Join("\n", errors.Select(d => $"  {d.Code} {d.Path}: {d.Message}")));
        return spec;
    }
}
