using Qnn.Export.Device;
using Qnn.Search.Costs;
using Qnn.Search.Genes;
using Qnn.Search.Trials;
using TorchSharp;
using Xunit;

namespace Qnn.Search.Tests;

/// <summary>The device costs of a spec (flash, RAM, instructions of its C on a target) and how a
/// search ranks candidates that do not fit. Their agreement with the compiler and QEMU is
/// tests/Host.Tests/DeviceCostTests.cs.</summary>
public sealed class CostDeviceTests
{
    [Fact]
    public void A_spec_has_the_same_device_costs_every_time_and_leaves_the_generator_as_it_was()
    {
        torch.manual_seed(7);
        var expected = torch.rand(4).data<float>().ToArray();
        torch.manual_seed(7);
        var first = CostModels.Of(CostSpecs.BinaryReste, DeviceTarget.Ch32v003);
        // The caller's draws go on as if no network had been built.
        Assert.Equal(expected, torch.rand(4).data<float>().ToArray());
        var again = CostModels.Of(CostSpecs.BinaryReste, DeviceTarget.Ch32v003);
        Assert.Equal(first, again);
        Assert.Equal(CostModels.Of(CostSpecs.BinaryReste) with { Flash = first.Flash, Ram = first.Ram, Instructions = first.Instructions }, first);
        // 6-32-32-3 binary: a few hundred bytes of tables and about a kilobyte of code; RAM is the
        // arena (two packed 32-vectors and the sums) + the codes + 256 bytes of stack.
        Assert.InRange(first.Flash!.Value, 800, 2500);
        Assert.InRange(first.Ram!.Value, 256 + 6, 256 + 200);
        Assert.InRange(first.Instructions!.Value, 1000, 20000);
    }

    [Fact]
    public void Without_a_target_a_trial_has_no_device_costs()
    {
        var costs = CostModels.Of(CostSpecs.BinaryReste);
        Assert.Null(costs.Flash);
        Assert.Null(costs.Ram);
        Assert.Null(costs.Instructions);
        Assert.Equal(double.MaxValue, CostModels.Pick(costs, CostModel.Flash));
    }

    [Fact]
    public void The_device_cost_models_have_names()
    {
        Assert.Equal(CostModel.Flash, CostModels.Named("flash"));
        Assert.Equal(CostModel.Ram, CostModels.Named("RAM"));
        Assert.Equal(CostModel.Instructions, CostModels.Named("instructions"));
        Assert.True(CostModels.OnDevice(CostModel.Ram));
        Assert.False(CostModels.OnDevice(CostModel.Bytes));
        Assert.Equal(DeviceTarget.Ch32v003, DeviceTarget.Named("CH32V003"));
        Assert.Null(DeviceTarget.Named("esp32"));
    }

    [Fact]
    public void A_candidate_over_the_part_ranks_behind_every_trained_one_and_nearer_the_less_it_is_over()
    {
        var options = new SearchOptions(10, 1, CostModel.Flash, null, null, 1, DeviceTarget.Ch32v003, 16384, 2048);
        Trial Untrained(double flash, double ram) => new(0, TrialState.Infeasible, new Genome([0]), "{}", [], null, null,
            new TrialCosts(1, 1, 1, flash, ram, 100), 0, "w", "does not fit");
        var twice = Objectives.Of(Untrained(32768, 1000), options)!;
        var over = Objectives.Of(Untrained(16384 + 1638.4, 2048 + 204.8), options)!;
        Assert.Equal(1 + 1.0, twice.Violation, 9);
        Assert.Equal(1 + 0.2, over.Violation, 9);
        Assert.Equal(32768, twice.Cost);
        // A trained trial that misses --min-accuracy by the most it can is still ahead (violation ≤ 1).
        var trained = Objectives.Of(new Trial(1, TrialState.Complete, new Genome([1]), "{}", [0.0], 0.0, 0.0,
            new TrialCosts(1, 1, 1, 1000, 500, 100), 1, "w", null), options with { MinAccuracy = 1.0 })!;
        Assert.True(trained.Violation <= 1 && trained.Violation < over.Violation);
        // An infeasible trial for another reason (no valid spec) stays infinitely behind.
        Assert.Equal(double.PositiveInfinity, Objectives.Of(Untrained(1000, 500), options)!.Violation);
        Assert.Equal(0.0, Objectives.DeviceExcess(new TrialCosts(1, 1, 1, 16384, 2048, 1), options));
    }
}
