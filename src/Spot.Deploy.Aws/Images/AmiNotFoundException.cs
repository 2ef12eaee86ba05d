namespace Spot.Deploy.Aws;

/// <summary>
/// No AMI satisfies an <see cref="AmiQuery"/>. The message names the whole query and how many images
/// EC2 returned before the client-side filters (deprecation, version) removed them.
/// </summary>
public class AmiNotFoundException : Exception
{
    /// <summary>Creates the exception with a generic message (prefer the other constructors).</summary>
    public AmiNotFoundException()
        : this("No AMI matches the query.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public AmiNotFoundException(string message)
        : base(message)
    {
        QueryDescription = string.Empty;
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public AmiNotFoundException(string message, Exception? innerException)
        : base(message, innerException)
    {
        QueryDescription = string.Empty;
    }

    /// <summary>Creates the exception for a query: the message names the query and the counts.</summary>
    /// <param name="queryDescription">The query in words (<see cref="AmiQuery.ToString"/>).</param>
    /// <param name="imagesSeen">Images EC2 returned (all pages) before client-side filtering.</param>
    /// <param name="detail">Why the seen images were rejected, or what EC2 said; may be empty.</param>
    /// <param name="innerException">The EC2 error, when EC2 refused the image id.</param>
    public AmiNotFoundException(string queryDescription, int imagesSeen, string detail, Exception? innerException = null)
        : base(Describe(queryDescription, imagesSeen, detail), innerException)
    {
        QueryDescription = queryDescription;
        ImagesSeen = imagesSeen;
    }

    /// <summary>The query in words (owners, name pattern, tags, filters, version, deprecation).</summary>
    public string QueryDescription { get; }

    /// <summary>How many images EC2 returned before the client-side filters.</summary>
    public int ImagesSeen { get; }

    private static string Describe(string queryDescription, int imagesSeen, string detail)
    {
        var text = "No AMI matches " + queryDescription + ": " + imagesSeen.ToString(System.Globalization.CultureInfo.InvariantCulture)
            + (imagesSeen == 1 ? " image" : " images") + " seen before filtering";
        return string.IsNullOrEmpty(detail) ? text + "." : text + " (" + detail + ").";
    }
}
