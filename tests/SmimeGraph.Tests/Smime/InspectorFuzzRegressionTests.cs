using SmimeGraph.Smime;

namespace SmimeGraph.Tests.Smime;

/// <summary>
/// Inputs that made the inspector fuzzing target crash (TestData/fuzz/inspector, SOURCE.txt
/// says how each was found): each is inspected without an exception outside the library's
/// family, and the finding it provoked is what RFC 5322 and RFC 8551 say it should be.
/// </summary>
public class InspectorFuzzRegressionTests
{
    [Fact]
    public void A_Date_whose_day_is_an_arabic_indic_digit_is_no_date_not_a_FormatException()
    {
        byte[] message = File.ReadAllBytes(TestPaths.Data("fuzz", "inspector", "date-arabic-indic-digit.eml"));

        InspectionResult result = SmimeInspector.Inspect(message, new SmimeInspectorOptions());

        Assert.False(result.IsValid);
        Assert.Empty(result.Layers);
        Assert.Equal("hi\r\n", result.Content.DecodeText());
    }

    [Theory]
    [InlineData("\u0661 Jan 2026 10:00:00 +0000")]
    [InlineData("1 Jan \u0662\u0660\u0662\u0666 10:00:00 +0000")]
    [InlineData("1 Jan 2026 \u0661\u0660:00:00 +0000")]
    public void A_date_time_with_digits_outside_ASCII_does_not_parse(string value)
    {
        // RFC 5322 §3.3: day, year, hour, minute, second and zone are DIGITs, which RFC 5234
        // Appendix B.1 defines as %x30-39 only.
        Assert.Null(SmimeInspector.MessageDate(value));
    }

    [Fact]
    public void A_zone_in_digits_outside_ASCII_is_read_as_no_zone()
    {
        Assert.Equal(SmimeInspector.MessageDate("1 Jan 2026 10:00:00"), SmimeInspector.MessageDate("1 Jan 2026 10:00:00 +\u0660\u0661\u0660\u0660"));
    }

    [Fact]
    public void The_same_date_time_in_ASCII_digits_parses()
    {
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 10, 0, 0, TimeSpan.Zero), SmimeInspector.MessageDate("1 Jan 2026 10:00:00 +0000"));
    }
}
