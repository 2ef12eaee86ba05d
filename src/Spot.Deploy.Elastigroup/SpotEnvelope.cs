using System.Text.Json;
using System.Text.Json.Serialization;

namespace Spot.Deploy.Elastigroup;

/// <summary>Spot's envelope: <c>{"request":{…},"response":{"status":{…},"kind":…,"items":[…],"count":n,"errors":[…]}}</c>.</summary>
internal sealed class SpotEnvelope<T>
{
    public SpotRequestInfo? Request { get; set; }

    public SpotResponseBody<T>? Response { get; set; }

    public List<T> Items => Response?.Items ?? [];
}

internal sealed class SpotRequestInfo
{
    public string? Id { get; set; }

    public string? Url { get; set; }

    public string? Method { get; set; }

    public string? Timestamp { get; set; }
}

internal sealed class SpotResponseBody<T>
{
    public SpotStatus? Status { get; set; }

    public string? Kind { get; set; }

    public List<T>? Items { get; set; }

    public int? Count { get; set; }

    public List<SpotErrorBody>? Errors { get; set; }
}

internal sealed class SpotStatus
{
    public int? Code { get; set; }

    public string? Message { get; set; }
}

internal sealed class SpotErrorBody
{
    public string? Code { get; set; }

    public string? Message { get; set; }

    public string? Field { get; set; }
}

/// <summary>Timestamps as Spot writes them: <c>2018-08-29T18:09:01.431+0000</c> or <c>…Z</c>.</summary>
internal sealed class SpotTimestampConverter : JsonConverter<DateTimeOffset?>
{
    public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var epoch))
        {
            // Some Spot endpoints give epoch milliseconds.
            return DateTimeOffset.FromUnixTimeMilliseconds(epoch);
        }

        var text = reader.GetString();
        return SpotTimestamp.TryParse(text, out var value) ? value : null;
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options)
    {
        if (value is { } v)
        {
            writer.WriteStringValue(v.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}

/// <summary>Parses both timestamp styles Spot uses.</summary>
public static class SpotTimestamp
{
    /// <summary>Parses <c>2018-08-29T18:09:01.431+0000</c>, <c>2018-08-29T18:09:01.431Z</c> and other ISO 8601 forms.</summary>
    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        // "+0000" is not accepted by the round-trip parser: give the offset its colon.
        if (text.Length > 5 && (text[^5] == '+' || text[^5] == '-') && char.IsDigit(text[^4]) && char.IsDigit(text[^1]) && text[^3] != ':')
        {
            text = string.Concat(text.AsSpan(0, text.Length - 2), ":", text.AsSpan(text.Length - 2));
        }

        return DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out value);
    }
}
