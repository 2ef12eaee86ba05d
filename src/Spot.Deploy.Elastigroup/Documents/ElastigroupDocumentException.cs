namespace Spot.Deploy.Elastigroup;

/// <summary>
/// The input is not a usable Elastigroup document: not JSON, not a JSON object, a <c>"group"</c> that is not an
/// object, a repeated property name, a trailing comma, a comment, or a known field of the wrong kind (for example
/// <c>capacity.target</c> holding <c>"abc"</c>).
/// </summary>
/// <remarks>
/// The message names the problem and, where known, where it is: <see cref="JsonPath"/> is the path from the root of
/// the document as the user wrote it (so <c>$.group.capacity</c> for a wrapped document), <see cref="LineNumber"/>
/// and <see cref="Column"/> point into the text when the problem was found while reading it.
/// </remarks>
public sealed class ElastigroupDocumentException : FormatException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public ElastigroupDocumentException()
        : base("The Elastigroup document is not valid.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What is wrong with the document.</param>
    public ElastigroupDocumentException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What is wrong with the document.</param>
    /// <param name="innerException">The exception that revealed the problem.</param>
    public ElastigroupDocumentException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception with the given message, location and cause.</summary>
    /// <param name="message">What is wrong with the document; it should already mention the location.</param>
    /// <param name="jsonPath">Path of the offending value from the document root (<c>$.group.capacity</c>), if known.</param>
    /// <param name="lineNumber">1-based line of the offending text, if known.</param>
    /// <param name="column">1-based column (UTF-16 characters) of the offending text, if known.</param>
    /// <param name="innerException">The exception that revealed the problem, if any.</param>
    public ElastigroupDocumentException(string message, string? jsonPath, long? lineNumber, long? column, Exception? innerException = null)
        : base(message, innerException)
    {
        JsonPath = jsonPath;
        LineNumber = lineNumber;
        Column = column;
    }

    /// <summary>Path of the offending value from the document root, such as <c>$.group.capacity.target</c>; null when unknown.</summary>
    public string? JsonPath { get; }

    /// <summary>1-based line in the text where the problem was found; null when the problem was not found while reading text.</summary>
    public long? LineNumber { get; }

    /// <summary>1-based column (in UTF-16 characters) in <see cref="LineNumber"/>; null when unknown.</summary>
    public long? Column { get; }
}
