using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Spot.Deploy.Elastigroup;

/// <summary>
/// A user's Elastigroup (AWS) group document, kept losslessly: what is loaded is what is saved, except for the changes
/// asked for through <see cref="Transform(GroupDocumentTransform)"/>.
/// </summary>
/// <remarks>
/// <para>
/// The document is either the group itself or the create-request form <c>{"group": {…}}</c>; it is saved in the form
/// it was loaded in (<see cref="IsWrapped"/>). Sections no typed model knows (<c>mesosphere</c>, <c>chef</c>,
/// <c>rightScale</c>…), explicit nulls, numbers and booleans written as strings (<c>"80"</c>, <c>"true"</c>),
/// property order and number text (<c>1.50</c>, <c>1e3</c>, <c>-0</c>, <c>12345678901234567890</c>) all survive a
/// round trip byte for byte. String escapes are normalised (<c>"\u00e9"</c> is written as <c>"é"</c>,
/// <c>"\/"</c> as <c>"/"</c>); the strings themselves are unchanged.
/// </para>
/// <para>
/// Reading is strict: no comments, no trailing commas, no repeated property names (any of them throws
/// <see cref="ElastigroupDocumentException"/>): none of them is JSON that could be kept and sent to Spot unchanged.
/// Nor is a document larger than <see cref="MaxSizeBytes"/> or nested deeper than <see cref="MaxDepth"/> read: such a
/// document could not be sent and journaled by a deployment, so it is refused before one starts.
/// </para>
/// <para>
/// The typed getters read the live document on every call; they return null when a field is absent or an explicit
/// JSON null, accept numbers written as strings, and throw <see cref="ElastigroupDocumentException"/> when a field
/// holds something that is not what Spot expects there (an object where a string belongs, <c>"abc"</c> for a capacity).
/// </para>
/// <para>
/// The document may hold secrets (user data, integration tokens); it deliberately does not override
/// <see cref="object.ToString"/>, so it does not end up in logs by accident. Not thread-safe: like
/// <see cref="JsonNode"/>, use it from one thread at a time, or give each thread a <see cref="Clone"/>.
/// </para>
/// </remarks>
public sealed partial class ElastigroupDocument
{
    /// <summary>
    /// The largest document <see cref="Parse"/>, <see cref="Load"/> and <see cref="LoadFile"/> accept, in UTF-8 bytes:
    /// 1 MiB. Spot documents no request size limit; a real group document is a few kilobytes (Spot's SDK's full create
    /// body is 9 KB; EC2 user data, usually its largest part, is at most 16 KB before base64), and the document is sent
    /// to Spot and stored in the deployment's journal, so anything near this is a mistake, refused before a deployment.
    /// </summary>
    public const int MaxSizeBytes = 1024 * 1024;

    /// <summary>
    /// The deepest nesting of objects and arrays a read document may have, the root counting as 1: 32. The deployment's
    /// journal stores the document a few levels deeper, within System.Text.Json's default limit of 64, so a deeper
    /// document could be loaded but not journaled. Real group documents nest fewer than 10 levels.
    /// </summary>
    public const int MaxDepth = 32;

    private const string TransformParameter = "transform";

    private readonly JsonObject _group;

    private ElastigroupDocument(JsonObject group, bool isWrapped)
    {
        _group = group;
        IsWrapped = isWrapped;
    }

    /// <summary>The group object itself (the live node, not a copy): changes to it change this document.</summary>
    public JsonObject Group => _group;

    /// <summary>Whether the document was loaded as <c>{"group": {…}}</c>; it is saved the same way.</summary>
    public bool IsWrapped { get; }

    /// <summary>The group's <c>name</c>; null when absent or null.</summary>
    /// <exception cref="ElastigroupDocumentException">The field holds an object or array.</exception>
    public string? Name => GetString("name");

    /// <summary>The group's <c>id</c> (<c>sig-…</c>), present in documents read back from Spot; null when absent or null.</summary>
    /// <exception cref="ElastigroupDocumentException">The field holds an object or array.</exception>
    public string? Id => GetString("id");

    /// <summary>The group's <c>description</c>; null when absent or null.</summary>
    /// <exception cref="ElastigroupDocumentException">The field holds an object or array.</exception>
    public string? Description => GetString("description");

    /// <summary><c>capacity.minimum</c>; null when absent or null. A whole number written as a string (<c>"2"</c>) is accepted.</summary>
    /// <exception cref="ElastigroupDocumentException">The field is not a whole number within the range of <see cref="int"/>.</exception>
    public int? CapacityMinimum => GetInt32("capacity", "minimum");

    /// <summary><c>capacity.target</c>; null when absent or null. A whole number written as a string (<c>"2"</c>) is accepted.</summary>
    /// <exception cref="ElastigroupDocumentException">The field is not a whole number within the range of <see cref="int"/>.</exception>
    public int? CapacityTarget => GetInt32("capacity", "target");

    /// <summary><c>capacity.maximum</c>; null when absent or null. A whole number written as a string (<c>"2"</c>) is accepted.</summary>
    /// <exception cref="ElastigroupDocumentException">The field is not a whole number within the range of <see cref="int"/>.</exception>
    public int? CapacityMaximum => GetInt32("capacity", "maximum");

    /// <summary>
    /// <c>capacity.unit</c> (<c>instance</c>, <c>weight</c>); null when absent or null. Spot treats an absent unit as
    /// <c>instance</c>; this getter does not invent it, and no transform writes it.
    /// </summary>
    /// <exception cref="ElastigroupDocumentException">The field holds an object or array.</exception>
    public string? CapacityUnit => GetString("capacity", "unit");

    /// <summary><c>compute.launchSpecification.imageId</c>; null when absent or null (for example when the group uses <see cref="Images"/>).</summary>
    /// <exception cref="ElastigroupDocumentException">The field, or a section on its path, has the wrong kind.</exception>
    public string? ImageId => GetString("compute", "launchSpecification", "imageId");

    /// <summary>
    /// The <c>id</c> of every entry of <c>compute.launchSpecification.images</c>, in order; null when there is no
    /// <c>images</c> array (absent or null).
    /// </summary>
    /// <exception cref="ElastigroupDocumentException"><c>images</c> is not an array, or an entry is not an object with an <c>id</c>.</exception>
    public IReadOnlyList<string>? Images => GetImages();

    /// <summary>
    /// The group's AMIs as a <see cref="Elastigroup.LaunchImage"/>: <c>images</c> when it is a non-empty array (as
    /// <see cref="Transform"/> does, <c>images</c> wins over an <c>imageId</c> next to it), else <c>imageId</c>; null when
    /// the document names no AMI.
    /// </summary>
    /// <exception cref="ElastigroupDocumentException">
    /// A field, or a section on its path, has the wrong kind, or an id there is not an AMI id (<c>ami-…</c>).
    /// </exception>
    public LaunchImage? LaunchImage => GetLaunchImage();

    /// <summary><c>compute.launchSpecification.userData</c> exactly as stored (base64); null when absent or null.</summary>
    /// <exception cref="ElastigroupDocumentException">The field, or a section on its path, has the wrong kind.</exception>
    public string? UserData => GetString("compute", "launchSpecification", "userData");

    /// <summary><c>compute.product</c> (<c>Linux/UNIX</c>, <c>Windows</c>…); null when absent or null.</summary>
    /// <exception cref="ElastigroupDocumentException">The field, or a section on its path, has the wrong kind.</exception>
    public string? Product => GetString("compute", "product");

    /// <summary><c>compute.launchSpecification.healthCheckType</c> (<c>ELB</c>, <c>TARGET_GROUP</c>, <c>EC2</c>…); null when absent or null.</summary>
    /// <exception cref="ElastigroupDocumentException">The field, or a section on its path, has the wrong kind.</exception>
    public string? HealthCheckType => GetString("compute", "launchSpecification", "healthCheckType");

    /// <summary>
    /// The entries of <c>compute.launchSpecification.loadBalancersConfig.loadBalancers</c>, in order; null when there
    /// is no such array (absent or null).
    /// </summary>
    /// <exception cref="ElastigroupDocumentException"><c>loadBalancers</c> is not an array, or an entry is not an object with a <c>type</c>.</exception>
    public IReadOnlyList<LoadBalancerReference>? LoadBalancers => GetLoadBalancers();

    /// <summary>Reads a document from text: the group itself or <c>{"group": {…}}</c>.</summary>
    /// <param name="json">The JSON text. A leading byte order mark is ignored.</param>
    /// <returns>The document.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is null.</exception>
    /// <exception cref="ElastigroupDocumentException">
    /// The text is not a valid group document, is larger than <see cref="MaxSizeBytes"/> or nests deeper than <see cref="MaxDepth"/>; the message says where and why.
    /// </exception>
    public static ElastigroupDocument Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var (group, isWrapped) = DocumentReader.ReadText(json, source: null);
        return new ElastigroupDocument(group, isWrapped);
    }

    /// <summary>Reads a document from UTF-8 JSON: the group itself or <c>{"group": {…}}</c>.</summary>
    /// <param name="utf8Json">The stream, read to its end and not closed. A leading UTF-8 byte order mark is ignored.</param>
    /// <returns>The document.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="utf8Json"/> is null.</exception>
    /// <exception cref="ElastigroupDocumentException">
    /// The content is not a valid group document, is larger than <see cref="MaxSizeBytes"/> (reading stops there) or nests deeper than
    /// <see cref="MaxDepth"/>; the message says where and why.
    /// </exception>
    public static ElastigroupDocument Load(Stream utf8Json)
    {
        ArgumentNullException.ThrowIfNull(utf8Json);
        var (group, isWrapped) = DocumentReader.ReadUtf8(DocumentReader.ReadBounded(utf8Json, source: null, knownLength: null), source: null);
        return new ElastigroupDocument(group, isWrapped);
    }

    /// <summary>Reads a document from a UTF-8 JSON file: the group itself or <c>{"group": {…}}</c>.</summary>
    /// <param name="path">The file's path. A leading UTF-8 byte order mark is ignored.</param>
    /// <returns>The document.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="IOException">The file cannot be read (for example <see cref="FileNotFoundException"/>).</exception>
    /// <exception cref="ElastigroupDocumentException">
    /// The file is not a valid group document, is larger than <see cref="MaxSizeBytes"/> (it is then not read) or nests deeper than
    /// <see cref="MaxDepth"/>; the message names the file and says where and why.
    /// </exception>
    public static ElastigroupDocument LoadFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] utf8;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1))
        {
            // A regular file's length is known: one too large is refused without reading it.
            utf8 = DocumentReader.ReadBounded(stream, path, stream.CanSeek && stream.Length > 0 ? stream.Length : null);
        }

        var (group, isWrapped) = DocumentReader.ReadUtf8(utf8, source: path);
        return new ElastigroupDocument(group, isWrapped);
    }

    /// <summary>
    /// Wraps a group object already in memory, such as <c>response.items[0]</c> of a Spot response. The document uses
    /// that object itself, not a copy (see <see cref="Group"/>); it is not wrapped (<see cref="IsWrapped"/> is false).
    /// </summary>
    /// <param name="group">The group object.</param>
    /// <returns>The document.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="group"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="group"/> has a <c>group</c> property: it is a wrapped document, pass its <c>group</c> object.</exception>
    public static ElastigroupDocument FromGroup(JsonObject group)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (group.ContainsKey("group"))
        {
            throw new ArgumentException(
                "The object has a \"group\" property, so it is a wrapped document {\"group\": {…}}; pass its \"group\" object, or use Parse for the whole text.",
                nameof(group));
        }

        return new ElastigroupDocument(group, isWrapped: false);
    }

    /// <summary>
    /// Returns a changed copy of this document; this document is not touched. Only what <paramref name="transform"/>
    /// names changes, everything else is kept as it is (see <see cref="GroupDocumentTransform"/> for each rule).
    /// </summary>
    /// <param name="transform">What to change; <c>new GroupDocumentTransform()</c> yields an identical copy.</param>
    /// <returns>The new document, wrapped like this one.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="transform"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="transform"/> has an empty name or image id, or an unusable load balancer.</exception>
    /// <exception cref="ElastigroupDocumentException">A section the change must go into has the wrong kind (for example <c>compute</c> is a string).</exception>
    public ElastigroupDocument Transform(GroupDocumentTransform transform)
    {
        ArgumentNullException.ThrowIfNull(transform);
        transform.Validate(TransformParameter);
        var result = Clone();
        result.Apply(transform);
        return result;
    }

    /// <summary>
    /// Returns the body for creating a new group from this document: read-only fields removed, the given name and image,
    /// capacity 0/0/0 (keeping <c>unit</c>), user data and load balancers when given. This document is not touched.
    /// </summary>
    /// <param name="name">The new group's name, such as <c>app__7</c>.</param>
    /// <param name="imageId">The AMI to launch (see <see cref="GroupDocumentTransform.ImageId"/> for <c>images</c>).</param>
    /// <param name="userData">User data as plain text, or null to keep the document's.</param>
    /// <param name="stageLoadBalancers">Load balancers replacing the document's (Blue/Green stage target groups), or null to keep the document's.</param>
    /// <returns>The new document, wrapped like this one; <see cref="ToRequestBody"/> gives the <c>{"group": …}</c> body.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> or <paramref name="imageId"/> is null, empty or white space, or a load balancer is unusable.</exception>
    /// <exception cref="ElastigroupDocumentException">A section the change must go into has the wrong kind.</exception>
    public ElastigroupDocument ToCreateBody(string name, string imageId, string? userData = null, IReadOnlyList<LoadBalancerReference>? stageLoadBalancers = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(imageId);
        if (stageLoadBalancers is not null)
        {
            GroupDocumentTransform.ValidateLoadBalancers(stageLoadBalancers, nameof(stageLoadBalancers), nameof(stageLoadBalancers));
        }

        return Transform(new GroupDocumentTransform
        {
            Name = name,
            ImageId = imageId,
            UserData = userData,
            LoadBalancers = stageLoadBalancers,
            RemoveReadOnlyFields = true,
            ZeroCapacity = true,
        });
    }

    /// <summary>The document as JSON text, in the form it was loaded in (wrapped or not).</summary>
    /// <param name="indented">Whether to indent (two spaces, <c>\n</c> line ends); default compact.</param>
    /// <returns>The JSON text. Characters are not escaped beyond what JSON requires (the text is for a request body or a file, not HTML).</returns>
    public string ToJsonString(bool indented = false)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, indented ? DocumentJson.IndentedWriter : DocumentJson.CompactWriter))
        {
            WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>A copy of the group wrapped as Spot's create and update requests want it: <c>{"group": {…}}</c>.</summary>
    /// <returns>A new object; changing it does not change this document.</returns>
    public JsonObject ToRequestBody() => new() { ["group"] = _group.DeepClone() };

    /// <summary>Writes the document, in the form it was loaded in, with the writer's own settings.</summary>
    /// <param name="writer">The writer.</param>
    /// <exception cref="ArgumentNullException"><paramref name="writer"/> is null.</exception>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (IsWrapped)
        {
            writer.WriteStartObject();
            writer.WritePropertyName("group");
            _group.WriteTo(writer);
            writer.WriteEndObject();
        }
        else
        {
            _group.WriteTo(writer);
        }
    }

    /// <summary>A deep copy: same content, same wrapping, sharing nothing with this document.</summary>
    /// <returns>The copy.</returns>
    public ElastigroupDocument Clone() => new(_group.DeepClone().AsObject(), IsWrapped);

    private void Apply(GroupDocumentTransform transform)
    {
        if (transform.RemoveReadOnlyFields)
        {
            _group.Remove("id");
            _group.Remove("createdAt");
            _group.Remove("updatedAt");
        }

        if (transform.Name is not null)
        {
            _group["name"] = transform.Name;
        }

        if (transform.ZeroCapacity)
        {
            var capacity = EnsureObject("capacity");
            capacity["minimum"] = 0;
            capacity["target"] = 0;
            capacity["maximum"] = 0;
        }

        if (transform.ImageId is not null)
        {
            SetImage(transform.ImageId);
        }

        if (transform.UserData is not null)
        {
            string encoded;
            try
            {
                encoded = Convert.ToBase64String(DocumentJson.StrictUtf8.GetBytes(transform.UserData));
            }
            catch (EncoderFallbackException ex)
            {
                throw new ArgumentException("The user data holds an unpaired surrogate character; it cannot be encoded as UTF-8.", TransformParameter, ex);
            }

            EnsureObject("compute", "launchSpecification")["userData"] = encoded;
        }

        if (transform.LoadBalancers is not null)
        {
            var entries = new JsonArray();
            foreach (var loadBalancer in transform.LoadBalancers)
            {
                var entry = new JsonObject();
                if (loadBalancer.Name is not null)
                {
                    entry["name"] = loadBalancer.Name;
                }

                if (loadBalancer.Arn is not null)
                {
                    entry["arn"] = loadBalancer.Arn;
                }

                entry["type"] = loadBalancer.Type;
                entries.Add(entry);
            }

            EnsureObject("compute", "launchSpecification", "loadBalancersConfig")["loadBalancers"] = entries;
        }
    }

    private void SetImage(string imageId)
    {
        var launchSpecification = EnsureObject("compute", "launchSpecification");
        launchSpecification.TryGetPropertyValue("images", out var images);
        switch (images)
        {
            case null:
                launchSpecification["imageId"] = imageId;
                break;
            case JsonArray:
                launchSpecification["images"] = new JsonArray(new JsonObject { ["id"] = imageId });

                // Spot wants one of the two; a string left in imageId would be a stale AMI next to the new one.
                if (launchSpecification.TryGetPropertyValue("imageId", out var imageIdNode)
                    && imageIdNode?.GetValueKind() == JsonValueKind.String)
                {
                    launchSpecification["imageId"] = imageId;
                }

                break;
            default:
                var path = PathTo("compute", "launchSpecification", "images");
                throw new ElastigroupDocumentException(
                    $"{DocumentJson.Subject} has {DocumentJson.KindOf(images)} for images{DocumentJson.Where(path, null, null)}: it must be an array of {{\"id\": …}} to set the image.",
                    path,
                    null,
                    null);
        }
    }

    /// <summary>The object at the path, created when absent or null, so a change can go in.</summary>
    private JsonObject EnsureObject(params ReadOnlySpan<string> names)
    {
        var current = _group;
        for (var i = 0; i < names.Length; i++)
        {
            current.TryGetPropertyValue(names[i], out var child);
            switch (child)
            {
                case JsonObject childObject:
                    current = childObject;
                    break;
                case null:
                    var created = new JsonObject();
                    current[names[i]] = created;
                    current = created;
                    break;
                default:
                    var path = PathTo(names[..(i + 1)]);
                    throw new ElastigroupDocumentException(
                        $"{DocumentJson.Subject} has {DocumentJson.KindOf(child)} for {names[i]}{DocumentJson.Where(path, null, null)}: it must be an object to be changed.",
                        path,
                        null,
                        null);
            }
        }

        return current;
    }

    /// <summary>The node at the path; null when it or a section on the way is absent or null.</summary>
    private JsonNode? Find(ReadOnlySpan<string> names)
    {
        JsonNode? current = _group;
        for (var i = 0; i < names.Length; i++)
        {
            switch (current)
            {
                case null:
                    return null;
                case JsonObject container:
                    if (!container.TryGetPropertyValue(names[i], out current))
                    {
                        return null;
                    }

                    break;
                default:
                    throw WrongKind(current, PathTo(names[..i]), "an object");
            }
        }

        return current;
    }

    private string? GetString(params ReadOnlySpan<string> names)
    {
        var node = Find(names);
        return node is null ? null : AsString(node, names);
    }

    private string AsString(JsonNode node, ReadOnlySpan<string> names, string suffix = "")
    {
        switch (node.GetValueKind())
        {
            case JsonValueKind.String:
                return node.GetValue<string>();
            case JsonValueKind.Number:
                return DocumentJson.RawNumber(node.AsValue());
            case JsonValueKind.True:
                return "true";
            case JsonValueKind.False:
                return "false";
            default:
                throw WrongKind(node, PathTo(names) + suffix, "a string");
        }
    }

    private int? GetInt32(params ReadOnlySpan<string> names)
    {
        var node = Find(names);
        return node is null ? null : WholeNumber(node, PathTo(names));
    }

    private static int WholeNumber(JsonNode node, string path)
    {
        var text = node.GetValueKind() switch
        {
            JsonValueKind.Number => DocumentJson.RawNumber(node.AsValue()),
            JsonValueKind.String => node.GetValue<string>(),
            _ => null,
        };

        // Decimal takes "2", "2.0" and "1e3" alike; whitespace, hex and thousands separators are refused.
        if (text is not null
            && decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var number)
            && number == decimal.Truncate(number)
            && number is >= int.MinValue and <= int.MaxValue)
        {
            return (int)number;
        }

        throw WrongKind(node, path, "a whole number");
    }

    private string[]? GetImages()
    {
        ReadOnlySpan<string> names = ["compute", "launchSpecification", "images"];
        if (Find(names) is not { } node)
        {
            return null;
        }

        if (node is not JsonArray array)
        {
            throw WrongKind(node, PathTo(names), "an array");
        }

        var ids = new string[array.Count];
        for (var i = 0; i < array.Count; i++)
        {
            var elementPath = DocumentJson.Index(string.Empty, i);
            if (array[i] is not JsonObject image)
            {
                throw WrongKind(array[i], PathTo(names) + elementPath, "an object with an id");
            }

            ids[i] = image["id"] is { } id
                ? AsString(id, names, elementPath + ".id")
                : throw Missing(PathTo(names) + elementPath, "id");
        }

        return ids;
    }

    private LaunchImage? GetLaunchImage()
    {
        if (GetImages() is { Length: > 0 } images)
        {
            for (var i = 0; i < images.Length; i++)
            {
                if (Elastigroup.LaunchImage.Problem(images[i]) is { } problem)
                {
                    throw NotAnImage(PathTo("compute", "launchSpecification", "images") + DocumentJson.Index(string.Empty, i) + ".id", problem);
                }
            }

            return Elastigroup.LaunchImage.FromImages(images);
        }

        if (ImageId is not { } imageId)
        {
            return null;
        }

        return Elastigroup.LaunchImage.Problem(imageId) is { } imageIdProblem
            ? throw NotAnImage(PathTo("compute", "launchSpecification", "imageId"), imageIdProblem)
            : Elastigroup.LaunchImage.FromImageId(imageId);
    }

    private static ElastigroupDocumentException NotAnImage(string path, string problem) =>
        new($"{DocumentJson.Subject} has an image id that {problem}{DocumentJson.Where(path, null, null)}.", path, null, null);

    private LoadBalancerReference[]? GetLoadBalancers()
    {
        ReadOnlySpan<string> names = ["compute", "launchSpecification", "loadBalancersConfig", "loadBalancers"];
        if (Find(names) is not { } node)
        {
            return null;
        }

        if (node is not JsonArray array)
        {
            throw WrongKind(node, PathTo(names), "an array");
        }

        var references = new LoadBalancerReference[array.Count];
        for (var i = 0; i < array.Count; i++)
        {
            var elementPath = DocumentJson.Index(string.Empty, i);
            if (array[i] is not JsonObject entry)
            {
                throw WrongKind(array[i], PathTo(names) + elementPath, "an object");
            }

            var name = entry["name"] is { } nameNode ? AsString(nameNode, names, elementPath + ".name") : null;
            var arn = entry["arn"] is { } arnNode ? AsString(arnNode, names, elementPath + ".arn") : null;
            var type = entry["type"] is { } typeNode
                ? AsString(typeNode, names, elementPath + ".type")
                : throw Missing(PathTo(names) + elementPath, "type");
            references[i] = new LoadBalancerReference(name, arn, type);
        }

        return references;
    }

    /// <summary>Path from the root of the document as the user wrote it: <c>$.group.capacity</c> when wrapped.</summary>
    private string PathTo(params ReadOnlySpan<string> names)
    {
        var path = IsWrapped ? "$.group" : "$";
        foreach (var name in names)
        {
            path = DocumentJson.Property(path, name);
        }

        return path;
    }

    private static ElastigroupDocumentException WrongKind(JsonNode? node, string path, string expected)
    {
        // Show short scalars ("abc" for a capacity) to make the mistake obvious; long ones may be secrets or noise.
        var text = node is JsonValue value && value.GetValueKind() is JsonValueKind.String or JsonValueKind.Number
            ? value.ToJsonString()
            : null;
        var found = text is { Length: <= 40 } ? $"{DocumentJson.KindOf(node)} {text}" : DocumentJson.KindOf(node);
        return new ElastigroupDocumentException(
            $"{DocumentJson.Subject} has {found}{DocumentJson.Where(path, null, null)} where {expected} belongs.",
            path,
            null,
            null);
    }

    private static ElastigroupDocumentException Missing(string path, string property) =>
        new($"{DocumentJson.Subject} has no \"{property}\"{DocumentJson.Where(path, null, null)}, which every entry there needs.", path, null, null);
}
