using System.Globalization;
using BenchmarkDotNet.Attributes;
using Spot.Deploy.Planning;

namespace Spot.Deploy.Benchmarks;

// Plans the setup of one app ("app") over an account of GroupCount existing groups.
//
// The account is realistic and mixed, and built once per GroupCount from a fixed seed:
//  - 50 apps: the planned app "app" plus 49 others, some with names that start like it
//    ("app4", "app-svc9", "apps7"), each with revisions A__N (integers with gaps, crossing 9 -> 10,
//    99 -> 100, ..., so string order is wrong) in a shuffled listing order;
//  - per app: most history at 0/0/0, some with no capacity, a few older running revisions, the newest
//    running one, and leftovers newer than it (at 0/0/0 or with no capacity); some apps run nothing;
//  - about 2 % near-miss names that are not revisions of "app" ("app__1a", "app__", "app_x__3",
//    "appX__2", "app__-4", "APP__8", "app__2147483647", ...).
// The planned app has about GroupCount / 50 revisions. GlobalSetup checks the plan once against
// what was generated, so the benchmark cannot silently measure a degenerate input.
//
// Memory layout matters here: planning reads every group's name, so it is bound by memory access at
// large N. The groups (and their id and name strings) are therefore allocated in the shuffled listing
// order, as a client deserializing the API's list response would allocate them. Shuffling an array of
// already allocated objects instead makes every access a cache miss and costs 4-5x at 100,000 groups
// (see docs/performance.md).
[MemoryDiagnoser]
public class SetupPlanningBenchmarks
{
    private const int Seed = 20261121;
    private const int AppCount = 50;
    private const string PlannedApp = "app";

    // The planned app's shape: K = 3 empty revisions are kept (default retention).
    private const int PlannedOlderRunning = 2;
    private const int PlannedLeftovers = 2;

    private static readonly string[] NearMissTemplates =
    [
        "app__{0}a", "app__", "app_x__{0}", "appX__{0}", "app__-{0}", "app__+{0}", " app__{0}", "app__{0} ",
        "APP__{0}", "app___{0}", "app__STAGE", "app", "app__99999999999", "app__2147483647", "my-app__{0}",
        "app__{0}__2", "app__\u0663{0}", "app__ {0}", "app__{0}.0", "app.__{0}",
    ];

    private ExistingGroup[] _account = null!;
    private CapacityRequest _capacity = null!;
    private SetupRequest _request = null!;
    private SetupPlan _setup = null!;
    private CanaryPhase[] _phases = null!;

    [Params(1_000, 10_000, 100_000)]
    public int GroupCount { get; set; }

    [GlobalSetup]
    public void GlobalSetup()
    {
        var random = new Random(Seed);
        var groups = new List<GroupSpec>(GroupCount);

        var nearMissCount = GroupCount / 50;
        var plannedRevisions = GroupCount / AppCount;
        var otherRevisions = GroupCount - plannedRevisions - nearMissCount;

        var planned = AddApp(groups, random, PlannedApp, plannedRevisions,
            leftovers: PlannedLeftovers, olderRunning: PlannedOlderRunning, runsSomething: true);

        for (var app = 1; app < AppCount; app++)
        {
            var count = (otherRevisions / (AppCount - 1)) + (app <= otherRevisions % (AppCount - 1) ? 1 : 0);
            AddApp(groups, random, OtherAppName(app), count,
                leftovers: random.Next(0, 3), olderRunning: random.Next(0, 3), runsSomething: random.Next(10) != 0);
        }

        for (var i = 0; i < nearMissCount; i++)
        {
            var template = NearMissTemplates[i % NearMissTemplates.Length];
            var name = string.Format(CultureInfo.InvariantCulture, template, random.Next(1, 5_000));
            groups.Add(new GroupSpec(name, RandomCapacity(random)));
        }

        // The account lists groups in no useful order; they are allocated in that order.
        var specs = groups.ToArray();
        random.Shuffle(specs);
        var account = new ExistingGroup[specs.Length];
        for (var i = 0; i < specs.Length; i++)
        {
            // Fresh id and name strings, next to their group as in a deserialized response.
            var id = string.Create(CultureInfo.InvariantCulture, $"sig-{i:x8}");
            account[i] = new ExistingGroup(id, new string(specs[i].Name.AsSpan()), specs[i].Capacity);
        }

        _account = account;
        _capacity = CapacityRequest.SameAsRunning();
        _request = new SetupRequest(PlannedApp, _account, _capacity);
        _phases = [new CanaryPhase(PhaseStep.Percent(25)), new CanaryPhase(PhaseStep.Percent(50)), new CanaryPhase(PhaseStep.Percent(100))];
        _setup = SetupPlanner.Plan(_request);
        Check(_setup, planned);
    }

    [Benchmark(Baseline = true)]
    public SetupPlan PlanSetup() => SetupPlanner.Plan(_request);

    // What a caller pays: SetupRequest copies the group list, O(N), before planning.
    [Benchmark]
    public SetupPlan PlanSetupIncludingRequest() => SetupPlanner.Plan(new SetupRequest(PlannedApp, _account, _capacity));

    [Benchmark]
    public DeploymentPlan PlanSetupAndCanary() => PhasePlanner.PlanCanary(SetupPlanner.Plan(_request), _phases);

    // The phases alone, over the same setup plan (independent of GroupCount).
    [Benchmark]
    public DeploymentPlan PlanCanaryPhasesOnly() => PhasePlanner.PlanCanary(_setup, _phases);

    private static string OtherAppName(int app) => (app % 4) switch
    {
        0 => string.Create(CultureInfo.InvariantCulture, $"app{app}"),
        1 => string.Create(CultureInfo.InvariantCulture, $"app-svc{app}"),
        2 => string.Create(CultureInfo.InvariantCulture, $"billing-{app}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"apps{app}"),
    };

    // Adds `count` revisions of `appName`: history (0/0/0, no capacity, a few older running), the
    // newest running revision, then `leftovers` empty revisions newer than it. Returns what setup
    // should find.
    private static AppShape AddApp(List<GroupSpec> groups, Random random, string appName, int count,
        int leftovers, int olderRunning, bool runsSomething)
    {
        if (!runsSomething)
        {
            leftovers = 0;
            olderRunning = 0;
        }

        leftovers = Math.Min(leftovers, Math.Max(0, count - 1));
        var newestRunning = runsSomething && count > 0 ? count - 1 - leftovers : -1;
        var history = newestRunning >= 0 ? newestRunning : count;
        olderRunning = Math.Min(olderRunning, history);

        var running = new HashSet<int>();
        while (running.Count < olderRunning)
        {
            running.Add(random.Next(history));
        }

        var number = random.Next(1, 8);
        var maxNumber = 0;
        Capacity? previousCapacity = null;
        var emptyHistory = 0;
        for (var i = 0; i < count; i++)
        {
            Capacity? capacity;
            if (i == newestRunning)
            {
                capacity = new Capacity(2, 8, 16);
                previousCapacity = capacity;
            }
            else if (i < history && running.Contains(i))
            {
                capacity = RandomRunningCapacity(random);
            }
            else
            {
                // Empty: mostly 0/0/0, some report no capacity at all.
                capacity = random.Next(6) == 0 ? null : Capacity.Zero;
                if (i < history)
                {
                    emptyHistory++;
                }
            }

            groups.Add(new GroupSpec(RevisionName.Format(appName, number), capacity));
            maxNumber = number;
            number += random.Next(1, 4);
        }

        return new AppShape(maxNumber, previousCapacity, leftovers, olderRunning, emptyHistory);
    }

    private static Capacity RandomRunningCapacity(Random random)
    {
        var target = random.Next(1, 11);
        return new Capacity(random.Next(0, target + 1), target, target + random.Next(0, 11));
    }

    private static Capacity? RandomCapacity(Random random) => random.Next(3) switch
    {
        0 => null,
        1 => Capacity.Zero,
        _ => RandomRunningCapacity(random),
    };

    private static void Check(SetupPlan plan, AppShape expected)
    {
        var kept = Math.Min(expected.EmptyHistory, SetupRequest.DefaultRetainedEmptyRevisions);
        var ok = plan.NewRevision == expected.MaxNumber + 1
            && plan.Previous is { } previous && previous.Capacity == expected.PreviousCapacity
            && plan.LeftoversToDelete.Count == expected.Leftovers
            && plan.GroupsToScaleDown.Count == expected.OlderRunning
            && plan.EmptyGroupsKept.Count == kept
            && plan.EmptyGroupsToDelete.Count == expected.EmptyHistory - kept;
        if (!ok)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"The generated account does not plan as intended: new revision {plan.NewRevision} (expected {expected.MaxNumber + 1}), leftovers {plan.LeftoversToDelete.Count} (expected {expected.Leftovers}), scale-down {plan.GroupsToScaleDown.Count} (expected {expected.OlderRunning}), empty kept {plan.EmptyGroupsKept.Count}, empty deleted {plan.EmptyGroupsToDelete.Count} (of {expected.EmptyHistory})."));
        }
    }

    private readonly record struct GroupSpec(string Name, Capacity? Capacity);

    private readonly record struct AppShape(int MaxNumber, Capacity? PreviousCapacity, int Leftovers, int OlderRunning, int EmptyHistory);
}
