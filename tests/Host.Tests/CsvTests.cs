using System.Text;
using Qnn.Host.Data;
using Xunit;

namespace Qnn.Host.Tests;

/// <summary>User tables as spreadsheets write them: quoted fields with separators, quotes and line
/// breaks inside, CRLF line ends, a byte-order mark, a header row.</summary>
public class CsvTests
{
    private static string Write(string content, bool bom = false)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("qnn-csv-").FullName, "table.csv");
        File.WriteAllText(path, content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: bom));
        return path;
    }

    [Fact]
    public void Quoted_fields_with_commas_inside_and_a_quoted_header()
    {
        var path = Write("""
            pelvic incidence,"grade, spondylolisthesis",class
            63.03,"-0.25","Disk Hernia, lumbar"
            39.06,"4.56",Normal
            "68.83",-3.11,"Disk Hernia, lumbar"
            """);
        var table = CsvReader.Read("--dataset", path, labelColumn: null);
        Assert.Equal(2, table.FeatureCount);
        Assert.Equal(new[] { 63.03f, -0.25f, 39.06f, 4.56f, 68.83f, -3.11f }, table.Features);
        Assert.Equal(new[] { "Disk Hernia, lumbar", "Normal" }, table.ClassNames);
        Assert.Equal(new long[] { 0, 1, 0 }, table.Labels);
    }

    [Fact]
    public void A_header_name_with_a_comma_picks_the_label_column()
    {
        var path = Write("\"grade, spondylolisthesis\",a,b\nhigh,1,2\nlow,3,4\nhigh,5,6\n");
        var table = CsvReader.Read("--dataset", path, "grade, spondylolisthesis");
        Assert.Equal(new[] { 1f, 2f, 3f, 4f, 5f, 6f }, table.Features);
        Assert.Equal(new[] { "high", "low" }, table.ClassNames);
    }

    [Fact]
    public void Semicolons_inside_quotes_of_a_semicolon_table_and_escaped_quotes()
    {
        var path = Write("x;y;label\n1;2;\"a;\"\"b\"\"\"\n3;4;c\n");
        var table = CsvReader.Read("--dataset", path, null);
        Assert.Equal(new[] { "a;\"b\"", "c" }, table.ClassNames);
        // 1,5 is not a number in a semicolon table: the error names the line and the cell.
        var bad = Write("x;y;label\n\"1,5\";2;a\n3;4;b\n");
        var error = Assert.Throws<DataException>(() => CsvReader.Read("--dataset", bad, null));
        Assert.Contains("line 2, column 1: '1,5' is not a number", error.Message);
    }

    [Fact]
    public void Crlf_bom_and_header()
    {
        var path = Write("a,b,label\r\n1,2,yes\r\n3,4,no\r\n\r\n5,6,yes\r\n", bom: true);
        var table = CsvReader.Read("--dataset", path, null);
        Assert.Equal(new[] { 1f, 2f, 3f, 4f, 5f, 6f }, table.Features);
        Assert.Equal(new[] { "no", "yes" }, table.ClassNames);
        Assert.Equal(new long[] { 1, 0, 1 }, table.Labels);
        // The BOM does not stick to the first header name.
        var named = CsvReader.Read("--dataset", Write("label,a,b\r\nyes,1,2\r\nno,3,4\r\n", bom: true), "label");
        Assert.Equal(new[] { 1f, 2f, 3f, 4f }, named.Features);
    }

    [Fact]
    public void Tabs_and_no_header()
    {
        var table = CsvReader.Read("--dataset", Write("1\t2\t0\n3\t4\t1\n"), null);
        Assert.Equal(new[] { "0", "1" }, table.ClassNames);
        Assert.Equal(2, table.FeatureCount);
    }

    [Fact]
    public void A_line_break_inside_quotes_keeps_the_line_numbers_of_later_errors()
    {
        var path = Write("a,b,label\n1,2,\"two\nlines\"\n3,4,x\n5,six,y\n");
        var error = Assert.Throws<DataException>(() => CsvReader.Read("--dataset", path, null));
        Assert.Contains("line 5, column 2: 'six' is not a number", error.Message);
    }

    [Fact]
    public void A_row_with_a_missing_column_counts_quoted_commas_as_text()
    {
        var path = Write("a,b,label\n1,2,\"x, y\"\n3,\"4\"\n");
        var error = Assert.Throws<DataException>(() => CsvReader.Read("--dataset", path, null));
        Assert.Contains("line 3 has 2 columns; expected 3", error.Message);
    }

    [Fact]
    public void Train_on_a_quoted_crlf_table_with_a_bom()
    {
        var rows = string.Concat(Enumerable.Range(0, 40).Select(i => $"{i % 7},\"{i % 5}\",\"{(i % 2 == 0 ? "yes, sure" : "no")}\"\r\n"));
        var path = Write("\"feature, one\",b,label\r\n" + rows, bom: true);
        var spec = Path.Combine(Path.GetDirectoryName(path)!, "model.json");
        File.WriteAllText(spec, """{ "kind": "mlp", "activation": "Relu", "input": { "features": 2 }, "layers": [ { "dense": 8 }, { "dense": 2 } ] }""");
        var result = Cli.Run(null, "train", "--model", spec, "--dataset", "csv:" + path, "--epochs", "2", "--batch-size", "4");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("(32 train, 8 test samples)", result.Output);
    }
}
