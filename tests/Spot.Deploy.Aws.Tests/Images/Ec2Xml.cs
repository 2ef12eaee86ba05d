using System.Xml.Linq;

namespace Spot.Deploy.Aws.Tests.Images;

/// <summary>Builds EC2 DescribeImages answers shaped as the botocore model describes them (<c>imagesSet/item</c>, <c>tagSet/item</c>, <c>nextToken</c>).</summary>
internal static class Ec2Xml
{
    public static readonly XNamespace Ns = "http://ec2.amazonaws.com/doc/2016-11-15/";

    public static XElement Image(string id, string name, string? created, string state = "available", string? deprecation = null, string owner = "123456789012", params (string Key, string Value)[] tags)
    {
        var item = new XElement(Ns + "item",
            new XElement(Ns + "imageId", id),
            new XElement(Ns + "imageState", state),
            new XElement(Ns + "imageOwnerId", owner),
            new XElement(Ns + "architecture", "x86_64"),
            new XElement(Ns + "name", name));
        if (created is not null)
        {
            item.Add(new XElement(Ns + "creationDate", created));
        }

        if (deprecation is not null)
        {
            item.Add(new XElement(Ns + "deprecationTime", deprecation));
        }

        item.Add(new XElement(Ns + "tagSet", tags.Select(t => new XElement(Ns + "item", new XElement(Ns + "key", t.Key), new XElement(Ns + "value", t.Value)))));
        return item;
    }

    public static string Page(IEnumerable<XElement> images, string? nextToken = null)
    {
        var root = new XElement(Ns + "DescribeImagesResponse",
            new XElement(Ns + "requestId", Guid.NewGuid().ToString()),
            new XElement(Ns + "imagesSet", images));
        if (nextToken is not null)
        {
            root.Add(new XElement(Ns + "nextToken", nextToken));
        }

        return root.ToString();
    }

    public static string Page(params XElement[] images) => Page(images, null);
}
