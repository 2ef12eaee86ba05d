using Microsoft.Extensions.Time.Testing;
using Spot.Deploy.Testing;

namespace Spot.Deploy.Strategies.Tests;

public sealed class AppLockTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(VirtualClock.Start);
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    public static TheoryData<string> Kinds => new() { "inProcess", "file", "default" };

    private IAppLock Create(string kind) => kind switch
    {
        "inProcess" => new InProcessAppLock(_time),
        "file" => new FileAppLock(_directory.Path, _time),
        _ => new CompositeAppLock(new InProcessAppLock(_time), new FileAppLock(_directory.Path, _time)),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task AcquireAsync_SecondAcquireOfSameApp_RefusedWithHolderInfo(string kind)
    {
        var appLock = Create(kind);
        await using var first = await appLock.AcquireAsync("shop", "deployment d-1 by alice");
        _time.Advance(TimeSpan.FromMinutes(2));

        var act = () => appLock.AcquireAsync("shop", "deployment d-2 by bob");

        var thrown = (await act.Should().ThrowAsync<AppLockedException>()).Which;
        thrown.AppName.Should().Be("shop");
        thrown.Owner.Should().Be("deployment d-1 by alice");
        thrown.Since.Should().Be(first.Since);
        thrown.Message.Should().Contain("shop").And.Contain("alice");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task AcquireAsync_AfterRelease_Succeeds(string kind)
    {
        var appLock = Create(kind);
        var first = await appLock.AcquireAsync("shop", "one");
        await first.DisposeAsync();

        await using var second = await appLock.AcquireAsync("shop", "two");

        second.Owner.Should().Be("two");
        first.IsReleased.Should().BeTrue();
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task AcquireAsync_OtherAppOrOtherCase_IsIndependent(string kind)
    {
        var appLock = Create(kind);
        await using var shop = await appLock.AcquireAsync("shop", "one");

        await using var other = await appLock.AcquireAsync("cart", "two");
        await using var upper = await appLock.AcquireAsync("Shop", "three");

        other.AppName.Should().Be("cart");
        upper.AppName.Should().Be("Shop");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Dispose_Twice_IsHarmlessAndDoesNotFreeTheNextHolder(string kind)
    {
        var appLock = Create(kind);
        var first = await appLock.AcquireAsync("shop", "one");
        first.Dispose();
        await using var second = await appLock.AcquireAsync("shop", "two");

        first.Dispose();
        await first.DisposeAsync();

        var act = () => appLock.AcquireAsync("shop", "three");
        (await act.Should().ThrowAsync<AppLockedException>()).Which.Owner.Should().Be("two");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task AcquireAsync_Cancelled_ThrowsAndDoesNotHoldTheLock(string kind)
    {
        var appLock = Create(kind);

        var act = () => appLock.AcquireAsync("shop", "one", new CancellationToken(canceled: true));

        await act.Should().ThrowAsync<OperationCanceledException>();
        await using var handle = await appLock.AcquireAsync("shop", "two");
    }

    [Fact]
    public async Task FileAppLock_TwoInstancesOnOneDirectory_SecondRefusedWithProcessAndMachine()
    {
        await using var first = await new FileAppLock(_directory.Path, _time).AcquireAsync("shop", "d-1");

        var act = () => new FileAppLock(_directory.Path, _time).AcquireAsync("shop", "d-2");

        var thrown = (await act.Should().ThrowAsync<AppLockedException>()).Which;
        thrown.Owner.Should().Be("d-1");
        thrown.Since.Should().Be(_time.GetUtcNow());
        thrown.Message.Should().Contain("process " + Environment.ProcessId).And.Contain(Environment.MachineName);
    }

    [Fact]
    public async Task FileAppLock_LockFileHeldByAnotherHandle_IsRefused()
    {
        var appLock = new FileAppLock(_directory.Path, _time);
        var path = appLock.GetLockFilePath("shop");
        using (new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var act = () => appLock.AcquireAsync("shop", "d-1");

            var thrown = (await act.Should().ThrowAsync<AppLockedException>()).Which;
            thrown.Owner.Should().BeNull();
            thrown.Message.Should().Contain(path);
        }

        // The OS released the foreign handle: a stale lock file on disk is no lock.
        await using var handle = await appLock.AcquireAsync("shop", "d-1");
        handle.Owner.Should().Be("d-1");
    }

    [Fact]
    public async Task FileAppLock_Held_LockFileRecordsTheHolderAndReleaseRemovesHolderFile()
    {
        var appLock = new FileAppLock(_directory.Path, _time);
        var path = appLock.GetLockFilePath("shop");
        var handle = await appLock.AcquireAsync("shop", "d-1");
        var holder = await File.ReadAllTextAsync(path + ".holder");

        await handle.DisposeAsync();

        holder.Should().Contain("\"owner\": \"d-1\"").And.Contain("\"processId\": " + Environment.ProcessId);
        File.Exists(path + ".holder").Should().BeFalse();
        (await File.ReadAllTextAsync(path)).Should().Contain("\"owner\": \"d-1\"");
    }

    [Theory]
    [InlineData("shop")]
    [InlineData("my app/prod:eu")]
    [InlineData("../../etc/passwd")]
    [InlineData("ünïcode-app")]
    public void GetLockFilePath_AnyName_StaysInTheDirectoryAndIsDistinctPerExactName(string appName)
    {
        var appLock = new FileAppLock(_directory.Path);

        var path = appLock.GetLockFilePath(appName);

        Path.GetDirectoryName(path).Should().Be(Path.GetFullPath(_directory.Path));
        Path.GetFileName(path).Should().MatchRegex("^[A-Za-z0-9_-]+-[0-9a-f]{16}\\.lock$");
        appLock.GetLockFilePath(appName.ToUpperInvariant() + "x").Should().NotBe(path);
    }

    [Fact]
    public async Task CompositeAppLock_SecondLockRefuses_ReleasesTheFirst()
    {
        var first = new InProcessAppLock(_time);
        var second = new InProcessAppLock(_time);
        await using var blocker = await second.AcquireAsync("shop", "someone else");
        var composite = new CompositeAppLock(first, second);

        var act = () => composite.AcquireAsync("shop", "d-1");

        (await act.Should().ThrowAsync<AppLockedException>()).Which.Owner.Should().Be("someone else");
        await using var again = await first.AcquireAsync("shop", "d-2");
        again.Owner.Should().Be("d-2");
    }

    [Fact]
    public async Task CompositeAppLock_Release_ReleasesInReverseOrder()
    {
        var order = new List<string>();
        var composite = new CompositeAppLock(new RecordingLock("a", order), new RecordingLock("b", order));

        var handle = await composite.AcquireAsync("shop", "d-1");
        handle.Dispose();

        order.Should().Equal("acquire a", "acquire b", "release b", "release a");
    }

    [Fact]
    public void CompositeAppLock_NoLocks_Throws()
    {
        var act = () => new CompositeAppLock();

        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public async Task CreateDefault_SecondAcquireInProcess_RefusedByTheInProcessLockFirst()
    {
        var appLock = AppLocks.CreateDefault(_directory.Path);
        var app = "shop-" + Guid.NewGuid().ToString("N");
        await using var first = await appLock.AcquireAsync(app, "d-1");

        var act = () => AppLocks.CreateDefault(_directory.Path).AcquireAsync(app, "d-2");

        (await act.Should().ThrowAsync<AppLockedException>()).Which.Message.Should().Contain("held in this process");
    }

    private sealed class RecordingLock(string name, List<string> order) : IAppLock
    {
        public Task<AppLockHandle> AcquireAsync(string appName, string owner, CancellationToken cancellationToken = default)
        {
            order.Add("acquire " + name);
            return Task.FromResult(new AppLockHandle(appName, owner, DateTimeOffset.UnixEpoch, () => order.Add("release " + name)));
        }
    }
}
