// engine-predict MODEL.qnnx FEATURES.csv: one class per line for each row of raw features (comma
// separated numbers, no header), computed by the engine alone — the program a device would carry.
using System.Globalization;
using Qnn.Engine;
using Qnn.Engine.Format;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: engine-predict MODEL.qnnx FEATURES.csv");
    return 2;
}
EngineModel model;
try
{
    using var file = File.OpenRead(args[0]);
    model = QnnxFormat.Read(file);
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException or QnnxFormatException)
{
    Console.Error.WriteLine($"{args[0]}: {e.Message}");
    return 3;
}

var workspace = model.CreateWorkspace();
var sample = new float[model.Input.Size];
var line = 0;
foreach (var text in File.ReadLines(args[1]))
{
    line++;
    var fields = text.Split(',');
    if (fields.Length != sample.Length)
    {
        Console.Error.WriteLine($"{args[1]}, line {line}: {fields.Length} values, the model takes {sample.Length}");
        return 3;
    }
    for (var i = 0; i < fields.Length; i++)
    {
        if (!float.TryParse(fields[i], NumberStyles.Float, CultureInfo.InvariantCulture, out sample[i]))
        {
            Console.Error.WriteLine($"{args[1]}, line {line}: \"{fields[i]}\" is not a number");
            return 3;
        }
    }
    Console.WriteLine(model.Predict(sample, workspace));
}
return 0;
