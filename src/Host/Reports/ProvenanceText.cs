using System.Globalization;
using Qnn.Host.Persistence;

namespace Qnn.Host.Reports;

/// <summary>How a saved model was trained, as `qnn eval --load` and `qnn inspect --load` print it.</summary>
public static class ProvenanceText
{
    public static void Write(TextWriter output, Provenance? record)
    {
        if (record is null)
        {
            output.WriteLine("how it was trained: unknown (saved by a qnn before training records)");
            return;
        }
        output.WriteLine("how it was trained (qnn train --like FILE trains it again):");
        foreach (var line in Lines(record))
            output.WriteLine("  " + line);
    }

    public static IEnumerable<string> Lines(Provenance record)
    {
        var t = record.Training;
        var d = record.Data;
        string On(bool on) => on ? "on" : "off";
        yield return $"made by qnn {record.QnnVersion}{(record.SourceCommit is { } c ? $" (commit {c})" : "")}, {record.Threads} thread{(record.Threads == 1 ? "" : "s")}, device {TrainConfigJson.deviceName(t.Device)}";
        yield return string.Create(CultureInfo.InvariantCulture,
            $"data: {d.DataSet} from {d.Source}, {d.TrainSamples} train and {d.TestSamples} test samples, {(d.Split is { } s ? $"split seed {s.Seed}, test fraction {s.TestFraction}{(s.LabelColumn is { } l ? $", label column {l}" : "")}" : "the files' own split")}");
        var optimizer = t.Optimizer is OptimizerKind.SgdMomentum sgd ? $"sgd momentum {sgd.momentum.ToString(CultureInfo.InvariantCulture)}" : "adam";
        yield return string.Create(CultureInfo.InvariantCulture,
            $"training: {t.Epochs} epochs, batch {t.BatchSize}, {optimizer}, lr {t.LearningRate}{(t.CosineSchedule ? " with cosine schedule" : "")}, weight decay {t.WeightDecay}, patience {(t.Patience is null ? "off" : t.Patience.Value)} on {(t.StopOn.IsTrainLoss ? "training" : "validation")} loss{(t.ValidationSplit > 0 ? " (" + t.ValidationSplit.ToString("0.###", CultureInfo.InvariantCulture) + " of the training set held out)" : "")}, seed {t.Seed}{(t.Augmentation is { } a ? $", images shifted up to {a.Value.MaxShift} pixels and rotated up to {a.Value.MaxRotation.ToString(CultureInfo.InvariantCulture)}°" : "")}");
        yield return $"restore best {On(t.RestoreBest)}, clip latent {On(t.ClipLatentWeights)}, BatchNorm recalibration {On(t.RecalibrateBatchNorm)}, one thread for small models {On(t.OneThreadForSmallModels)}";
    }
}
