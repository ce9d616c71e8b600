#!/usr/bin/env bash
# Measures what Qnn's source generator adds to the build of a project with 50 models.
# Builds a throw-away project that references the core and the generator from this repository,
# rebuilds it a few times with Roslyn's analyzer report, and prints the generator's own time and
# the whole compile (Csc task) with the generator and without it. The compiler server is on, as it
# is for users, so the first rebuild shows a cold compiler and the later ones a warm one.
# Usage: bench/generator-build-time.sh [models=50] [rebuilds=5]
set -euo pipefail
models=${1:-50}
rebuilds=${2:-5}
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/qnn-generator-bench.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT

cat > "$work/Bench.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <ImportDirectoryBuildProps>false</ImportDirectoryBuildProps>
    <ReportAnalyzer>true</ReportAnalyzer>
  </PropertyGroup>
  <ItemGroup>
    <ProjectReference Include="$repo/src/Core.FSharp/Core.FSharp.fsproj" />
    <ProjectReference Include="$repo/src/Generators/Generators.csproj" OutputItemType="Analyzer" ReferenceOutputAssembly="false" Condition="'\$(WithoutGenerator)' != 'true'" />
  </ItemGroup>
</Project>
XML
{
  echo "using Qnn;"
  echo "namespace Bench;"
  for i in $(seq 1 "$models"); do
    if (( i % 2 )); then
      cat <<CS
[QuantizedMlp(Activation = Activation.BinarizeReste)]
[Input(6, Bits = 16)]
[Dense($((16 + i)), Weights = WeightQuant.Binary)]
[Dense(32, Weights = WeightQuant.Ternary)]
[Dense(3, Weights = WeightQuant.Binary)]
public partial class Mlp$i;
CS
    else
      cat <<CS
[QuantizedCnn(Activation = Activation.Binarize, Dropout = 0.1)]
[ImageInput(Channels = 1, Height = 28, Width = 28, Bits = 8)]
[Conv($((8 + i)), Kernel = 3, Padding = 1, Weights = WeightQuant.Binary)]
[Conv(32, Kernel = 3, Padding = 1, Pool = 2, Weights = WeightQuant.Binary)]
[Dense(32, Weights = WeightQuant.Binary, Activation = Activation.BinarizeReste)]
[Dense(10)]
public partial class Cnn$i;
CS
    fi
  done
} > "$work/Models.cs"

cd "$work"
dotnet build -v:q -nologo > /dev/null           # restore and warm up
compile_ms() {  # the C# compiler task's time, from the performance summary
  dotnet build --no-incremental --no-dependencies -nologo -v:n -clp:PerformanceSummary "$@" 2>&1 |
    awk '$2 == "ms" && $3 == "Csc" { print $1; exit }'
}
generator_ms() {  # the generator's own time, from ReportAnalyzer's table
  dotnet build --no-incremental --no-dependencies -nologo -v:d 2>&1 |
    awk '/Qnn.Generators.QnnGenerator/ && $1 ~ /^[0-9.<]+$/ { print $1; exit }'
}
echo "models: $models, rebuilds: $rebuilds, cores: $(nproc)"
for run in $(seq 1 "$rebuilds"); do
  echo "run $run: generator $(generator_ms) s; Csc with generator $(compile_ms) ms, without $(compile_ms -p:WithoutGenerator=true) ms"
done
