using Spot.Deploy.Planning;

namespace Spot.Deploy.Planning.Tests;

/// <summary>Short builders for test groups: id is "sig-" + name.</summary>
internal static class Groups
{
    public static ExistingGroup G(string name, int min, int target, int max) => new("sig-" + name, name, new Capacity(min, target, max));

    public static ExistingGroup Running(string name, int target) => G(name, target, target, target);

    public static ExistingGroup Empty(string name) => G(name, 0, 0, 0);

    public static ExistingGroup NoCapacity(string name) => new("sig-" + name, name, null);

    public static string[] Names(IEnumerable<ExistingGroup> groups) => groups.Select(g => g.Name).ToArray();

    public static string[] Names(IEnumerable<RecordedGroup> groups) => groups.Select(g => g.Name).ToArray();
}

/// <summary>FluentAssertions 6's OnlyContain fails on an empty collection; a property must hold vacuously.</summary>
internal static class EveryExtensions
{
    public static void ShouldAll<T>(this IEnumerable<T> items, Func<T, bool> predicate, string because = "")
    {
        items.Where(item => !predicate(item)).Should().BeEmpty(because);
    }
}
