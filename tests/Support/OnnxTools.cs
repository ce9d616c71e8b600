using System.Diagnostics;
using Xunit;

namespace Qnn.Tests.Support;

/// <summary>Debian's python3-onnx (ONNX 1.12: its checker and its official onnx.proto), which
/// .ci/onnx-tools.sh installs: missing, it skips a test, or fails it under QNN_REQUIRE_DATA=1 (CI).</summary>
public static class OnnxTools
{
    /// <summary>Prints what the checker and strict shape inference say: every value's shape, one
    /// per line (`name dim,dim,…`, a dynamic dimension by its name).</summary>
    private const string CheckScript = """
        import sys, onnx
        model = onnx.load(sys.argv[1])
        onnx.checker.check_model(model, full_check=True)
        inferred = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
        for value in list(inferred.graph.value_info) + list(inferred.graph.output):
            print(value.name, ",".join(d.dim_param or str(d.dim_value) for d in value.type.tensor_type.shape.dim))
        """;

    /// <summary>The checker alone (no shape inference: it knows nothing of QONNX's operators, whose
    /// domain it accepts as a custom one).</summary>
    private const string CheckOnlyScript = """
        import sys, onnx
        onnx.checker.check_model(onnx.load(sys.argv[1]))
        print("ok")
        """;

    /// <summary>Runs onnx.checker on a graph with custom-domain (QONNX) operators.</summary>
    public static void CheckCustom(string path)
    {
        var python = RequirePython();
        Assert.True(TryRun(python, out var output, "-c", CheckOnlyScript, path), $"the ONNX checker refused {path}: {output}");
        Assert.Equal("ok", output.Trim());
    }

    /// <summary>A python3 that imports onnx (Debian's /usr/bin/python3 first: a pyenv shim on
    /// PATH may not see Debian's packages), or a skip (a failure in CI).</summary>
    public static string RequirePython()
    {
        foreach (var python in new[] { "/usr/bin/python3", "python3" })
        {
            if (TryRun(python, out _, "-c", "import onnx"))
                return python;
        }
        Prerequisite.Missing("a python3 that imports onnx", "python3-onnx", ".ci/onnx-tools.sh");
        return "";
    }

    /// <summary>The official onnx.proto that python3-onnx installs beside its module.</summary>
    public static string OfficialProto()
    {
        var python = RequirePython();
        Assert.True(TryRun(python, out var folder, "-c", "import onnx, os; print(os.path.dirname(onnx.__file__))"), folder);
        var proto = Path.Combine(folder.Trim(), "onnx.proto");
        Assert.True(File.Exists(proto), $"{proto} is missing: python3-onnx installs it");
        return proto;
    }

    /// <summary>Runs onnx.checker (full check) and strict shape inference on the file; the shape of every value by name.</summary>
    public static Dictionary<string, string> Check(string path)
    {
        var python = RequirePython();
        Assert.True(TryRun(python, out var output, "-c", CheckScript, path), $"the ONNX checker refused {path}: {output}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ')).ToDictionary(f => f[0], f => f.Length > 1 ? f[1] : "");
    }

    private static bool TryRun(string tool, out string output, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        try
        {
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
                output += error.Result;
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            output = e.Message;
            return false;
        }
    }
}
