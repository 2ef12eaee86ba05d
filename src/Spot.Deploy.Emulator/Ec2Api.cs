using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Spot.Deploy.Emulator;

/// <summary>
/// EC2 (<c>ec2</c> query protocol, API version 2016-11-15) under <see cref="SpotDeployEmulator.Ec2Prefix"/>:
/// <c>DescribeImages</c> over the seeded catalogue, answered and refused as EC2 does.
/// </summary>
internal static class Ec2Api
{
    /// <summary>The namespace of EC2 answers.</summary>
    internal static readonly XNamespace Namespace = "http://ec2.amazonaws.com/doc/2016-11-15/";

    private const int MinPageSize = 5;
    private const int MaxPageSize = 1000;

    private static readonly string[] OwnerAliases = ["amazon", "aws-marketplace", "aws-backup-vault"];

    internal static void Map(WebApplication app, SpotDeployEmulator emulator)
    {
        RequestDelegate handler = context => HandleAsync(context, emulator);
        app.MapPost(SpotDeployEmulator.Ec2Prefix, handler);
    }

    /// <summary>An EC2 timestamp, <c>2026-11-21T12:00:00.000Z</c>.</summary>
    internal static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static async Task HandleAsync(HttpContext context, SpotDeployEmulator emulator)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var parameters = form.SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string>(p.Key, v ?? string.Empty))).ToList();
        var action = form["Action"].ToString();
        AwsAnswer answer;
        lock (emulator.State.Gate)
        {
            answer = action switch
            {
                "DescribeImages" => DescribeImages(emulator.State, parameters),
                "" => AwsAnswer.Error(400, "MissingAction", "The request must contain the parameter Action."),
                _ => AwsAnswer.Error(400, "InvalidAction", $"The action {action} is not valid for this web service."),
            };
        }

        await answer.WriteAsync(context, "ec2").ConfigureAwait(false);
    }

    private static AwsAnswer DescribeImages(EmulatorState state, List<KeyValuePair<string, string>> parameters)
    {
        var imageIds = Numbered(parameters, "ImageId");
        foreach (var id in imageIds)
        {
            if (!EmulatorState.IsImageId(id))
            {
                return AwsAnswer.Error(400, "InvalidAMIID.Malformed", $"Invalid id: \"{id}\" (expecting \"ami-...\")");
            }
        }

        var owners = Numbered(parameters, "Owner");
        foreach (var owner in owners)
        {
            if (owner != "self" && !OwnerAliases.Contains(owner) && !(owner.Length == 12 && owner.All(char.IsAsciiDigit)))
            {
                return AwsAnswer.Error(400, "InvalidUserID.Malformed", $"Invalid user id: \"{owner}\"");
            }
        }

        var filters = new List<(string Name, List<string> Values)>();
        foreach (var prefix in NumberedPrefixes(parameters, "Filter"))
        {
            var name = Single(parameters, prefix + ".Name") ?? string.Empty;
            if (!IsKnownFilter(name))
            {
                return AwsAnswer.Error(400, "InvalidParameterValue", $"The filter '{name}' is invalid");
            }

            filters.Add((name, Numbered(parameters, prefix + ".Value")));
        }

        if (!TryBoolean(parameters, "IncludeDeprecated", out var includeDeprecated) || !TryBoolean(parameters, "DryRun", out var dryRun))
        {
            return AwsAnswer.Error(400, "InvalidParameterValue", "IncludeDeprecated and DryRun must be true or false.");
        }

        int? pageSize = null;
        if (Single(parameters, "MaxResults") is { } maxResults)
        {
            if (!int.TryParse(maxResults, NumberStyles.Integer, CultureInfo.InvariantCulture, out var size) || size is < MinPageSize or > MaxPageSize)
            {
                return AwsAnswer.Error(400, "InvalidParameterValue",
                    $"Value ( {maxResults} ) for parameter maxResults is invalid. Expecting a value between {MinPageSize} and {MaxPageSize}.");
            }

            pageSize = size;
        }

        string? after = null;
        if (Single(parameters, "NextToken") is { Length: > 0 } token)
        {
            after = DecodeToken(token);
            if (after is null)
            {
                return AwsAnswer.Error(400, "InvalidPaginationToken", $"Invalid pagination token: {token}");
            }
        }

        if (dryRun)
        {
            return AwsAnswer.Error(412, "DryRunOperation", "Request would have succeeded, but DryRun flag is set.");
        }

        var missing = imageIds.Where(id => !state.TryGetImage(id, out _)).Distinct(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            return AwsAnswer.Error(400, "InvalidAMIID.NotFound", missing.Count == 1
                ? $"The image id '[{missing[0]}]' does not exist"
                : $"The image ids '[{string.Join(", ", missing)}]' do not exist");
        }

        var account = state.Options.AwsAccountId;
        var now = state.Now;
        var matches = state.Images.Where(image =>
            (imageIds.Count == 0 ? image.OwnerId == account || IsPublic(image, account) : imageIds.Contains(image.Id, StringComparer.Ordinal))
            && (owners.Count == 0 || owners.Exists(owner => OwnedBy(image, owner, account)))

            // "If you are the AMI owner, all deprecated AMIs appear in the response regardless" (the EC2 model's IncludeDeprecated).
            && (includeDeprecated || image.OwnerId == account || image.DeprecationTime is not { } deprecated || deprecated > now)
            && filters.TrueForAll(filter => Matches(image, filter.Name, filter.Values, account))).ToList();

        var page = matches.Where(image => after is null || string.CompareOrdinal(image.Id, after) > 0).ToList();
        string? nextToken = null;
        if (pageSize is { } size2 && page.Count > size2)
        {
            page = page.Take(size2).ToList();
            nextToken = EncodeToken(page[^1].Id);
        }

        var ns = Namespace;
        var root = new XElement(ns + "DescribeImagesResponse",
            new XElement(ns + "requestId", Guid.NewGuid().ToString()),
            new XElement(ns + "imagesSet", page.Select(image => ImageItem(image, account))));
        if (nextToken is not null)
        {
            root.Add(new XElement(ns + "nextToken", nextToken));
        }

        return AwsAnswer.Ok(root);
    }

    /// <summary>One <c>imagesSet/item</c>, in the order EC2 writes its members.</summary>
    private static XElement ImageItem(Ec2Image image, string account)
    {
        var ns = Namespace;
        var alias = AliasOf(image.OwnerId);
        var item = new XElement(ns + "item",
            new XElement(ns + "imageId", image.Id),
            new XElement(ns + "imageLocation", (alias ?? image.OwnerId) + "/" + image.Name),
            new XElement(ns + "imageState", image.State),
            new XElement(ns + "imageOwnerId", image.OwnerId),
            new XElement(ns + "creationDate", FormatTime(image.CreationDate)),
            new XElement(ns + "isPublic", IsPublic(image, account) ? "true" : "false"),
            new XElement(ns + "architecture", image.Architecture),
            new XElement(ns + "imageType", "machine"));
        if (alias is not null)
        {
            item.Add(new XElement(ns + "imageOwnerAlias", alias));
        }

        item.Add(
            new XElement(ns + "name", image.Name),
            new XElement(ns + "rootDeviceType", "ebs"),
            new XElement(ns + "rootDeviceName", "/dev/xvda"),
            new XElement(ns + "virtualizationType", "hvm"),
            new XElement(ns + "tagSet", image.Tags.Select(tag => new XElement(ns + "item",
                new XElement(ns + "key", tag.Key),
                new XElement(ns + "value", tag.Value)))),
            new XElement(ns + "hypervisor", "xen"));
        if (image.DeprecationTime is { } deprecation)
        {
            item.Add(new XElement(ns + "deprecationTime", FormatTime(deprecation)));
        }

        return item;
    }

    private static string? AliasOf(string ownerId) => ownerId == EmulatorState.AmazonOwnerId ? "amazon" : null;

    /// <summary>Images of other accounts are public in the emulator; the emulator's own are private.</summary>
    private static bool IsPublic(Ec2Image image, string account) => image.OwnerId != account;

    private static bool OwnedBy(Ec2Image image, string owner, string account) => owner switch
    {
        "self" => image.OwnerId == account,
        _ when OwnerAliases.Contains(owner) => AliasOf(image.OwnerId) == owner,
        _ => image.OwnerId == owner,
    };

    private static bool IsKnownFilter(string name) =>
        name.StartsWith("tag:", StringComparison.Ordinal) && name.Length > 4
        || name is "name" or "state" or "tag-key" or "image-id" or "owner-id" or "owner-alias" or "architecture"
            or "is-public" or "image-type" or "root-device-type" or "virtualization-type" or "creation-date" or "hypervisor";

    /// <summary>A filter matches when any of its values matches (values may use <c>*</c> and <c>?</c>; <c>\</c> escapes them).</summary>
    private static bool Matches(Ec2Image image, string filter, List<string> values, string account)
    {
        if (filter == "tag-key")
        {
            return image.Tags.Keys.Any(key => values.Exists(pattern => Wildcard.IsMatch(key, pattern)));
        }

        var candidate = filter switch
        {
            "name" => image.Name,
            "state" => image.State,
            "image-id" => image.Id,
            "owner-id" => image.OwnerId,
            "owner-alias" => AliasOf(image.OwnerId),
            "architecture" => image.Architecture,
            "is-public" => IsPublic(image, account) ? "true" : "false",
            "image-type" => "machine",
            "root-device-type" => "ebs",
            "virtualization-type" => "hvm",
            "hypervisor" => "xen",
            "creation-date" => FormatTime(image.CreationDate),
            _ => image.Tags.TryGetValue(filter[4..], out var tagValue) ? tagValue : null,
        };
        return candidate is not null && values.Exists(pattern => Wildcard.IsMatch(candidate, pattern));
    }

    /// <summary>Values of an EC2 list, <c>Name.1</c>, <c>Name.2</c> … in index order.</summary>
    private static List<string> Numbered(List<KeyValuePair<string, string>> parameters, string name) =>
        [.. parameters
            .Select(p => (p.Value, Index: IndexOf(p.Key, name)))
            .Where(p => p.Index is not null)
            .OrderBy(p => p.Index)
            .Select(p => p.Value)];

    /// <summary>The distinct <c>Name.N</c> prefixes of structured list members (<c>Filter.1</c> of <c>Filter.1.Name</c>), in index order.</summary>
    private static List<string> NumberedPrefixes(List<KeyValuePair<string, string>> parameters, string name) =>
        [.. parameters
            .Select(p => p.Key.Split('.'))
            .Where(parts => parts.Length >= 3 && parts[0] == name && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out _))
            .Select(parts => int.Parse(parts[1], CultureInfo.InvariantCulture))
            .Distinct()
            .Order()
            .Select(index => name + "." + index.ToString(CultureInfo.InvariantCulture))];

    private static int? IndexOf(string key, string name) =>
        key.StartsWith(name + ".", StringComparison.Ordinal)
        && int.TryParse(key.AsSpan(name.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? index
            : null;

    private static string? Single(List<KeyValuePair<string, string>> parameters, string name) =>
        parameters.FirstOrDefault(p => p.Key == name).Value;

    private static bool TryBoolean(List<KeyValuePair<string, string>> parameters, string name, out bool value)
    {
        value = false;
        var text = Single(parameters, name);
        if (text is null)
        {
            return true;
        }

        return bool.TryParse(text, out value);
    }

    private static string EncodeToken(string lastImageId) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes("after:" + lastImageId)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string? DecodeToken(string token)
    {
        try
        {
            var base64 = token.Replace('-', '+').Replace('_', '/');
            base64 += new string('=', (4 - (base64.Length % 4)) % 4);
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(base64));
            return text.StartsWith("after:ami-", StringComparison.Ordinal) ? text["after:".Length..] : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

/// <summary>EC2 filter wildcards: <c>*</c> any run of characters, <c>?</c> one character, <c>\</c> escapes the next; case-sensitive.</summary>
internal static class Wildcard
{
    internal static bool IsMatch(string text, string pattern)
    {
        // Tokens: (char, kind) where kind 0 = literal, 1 = '?', 2 = '*'.
        var tokens = new List<(char Char, int Kind)>();
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                tokens.Add((pattern[++i], 0));
            }
            else
            {
                tokens.Add((c, c == '*' ? 2 : c == '?' ? 1 : 0));
            }
        }

        // Greedy match with backtracking to the last star: linear in practice, no regex.
        int t = 0, p = 0, star = -1, resume = 0;
        while (t < text.Length)
        {
            if (p < tokens.Count && (tokens[p].Kind == 1 || (tokens[p].Kind == 0 && tokens[p].Char == text[t])))
            {
                t++;
                p++;
            }
            else if (p < tokens.Count && tokens[p].Kind == 2)
            {
                star = p++;
                resume = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < tokens.Count && tokens[p].Kind == 2)
        {
            p++;
        }

        return p == tokens.Count;
    }
}

/// <summary>An answer of EC2 or ELBv2: an XML document, or an error written by <see cref="AwsErrors"/>.</summary>
internal sealed class AwsAnswer
{
    private AwsAnswer(int status, XElement? body, string? code, string? message)
    {
        Status = status;
        Body = body;
        Code = code;
        Message = message;
    }

    public int Status { get; }

    public XElement? Body { get; }

    public string? Code { get; }

    public string? Message { get; }

    public static AwsAnswer Ok(XElement body) => new(200, body, null, null);

    public static AwsAnswer Error(int status, string code, string message) => new(status, null, code, message);

    public Task WriteAsync(HttpContext context, string service)
    {
        if (Body is null)
        {
            return AwsErrors.WriteAsync(context, service, Status, Code!, Message!);
        }

        context.Response.StatusCode = Status;
        context.Response.ContentType = "text/xml;charset=UTF-8";
        var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + Body.ToString(SaveOptions.None);
        return context.Response.WriteAsync(text, Encoding.UTF8, context.RequestAborted);
    }
}
