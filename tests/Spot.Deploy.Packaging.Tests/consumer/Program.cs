// A user's program built from the published packages only: it starts the emulator (Spot.Deploy.Emulator),
// seeds a running group and runs a two-phase canary (Spot.Deploy.Strategies and its dependencies), then
// prints one "result" line and the groups as they end, which PackagingTests checks.
using System.Text.Json.Nodes;
using Spot.Deploy.Aws;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Emulator;
using Spot.Deploy.Strategies;

const string OldImage = "ami-0000000000000aaa1";
const string NewImage = "ami-0000000000000bbb2";

var stateDirectory = Path.Combine(Path.GetTempPath(), "spot-deploy-consumer-" + Guid.NewGuid().ToString("N"));
await using var emulator = await SpotDeployEmulator.StartAsync(new EmulatorOptions
{
    BootTime = TimeSpan.FromMilliseconds(200),
    HealthCheckDelay = TimeSpan.FromMilliseconds(200),
});
emulator.State.SeedImage(OldImage, "web-1.0", DateTimeOffset.UtcNow.AddDays(-10));
emulator.State.SeedImage(NewImage, "web-2.0", DateTimeOffset.UtcNow.AddDays(-1));
emulator.State.SeedGroup(Group("web__1", OldImage, 2));

using var spot = new ElastigroupClient(new ElastigroupClientOptions
{
    BaseAddress = emulator.SpotBaseAddress,
    Token = emulator.Options.SpotToken,
    AccountId = emulator.Options.AccountId,
});
using var aws = new AwsConnection(new AwsConnectionOptions
{
    Region = emulator.Options.Region,
    AccessKeyId = "AKIDCONSUMER",
    SecretAccessKey = "consumer-secret",
    Ec2Endpoint = emulator.Ec2Endpoint,
    ElasticLoadBalancingEndpoint = emulator.ElasticLoadBalancingEndpoint,
});

try
{
    var services = DeploymentServices.CreateDefault(spot, aws, stateDirectory);
    var request = new CanaryDeploymentRequest { AppName = "web", Document = ElastigroupDocument.FromGroup(Group("web", OldImage, 2)) };
    request.UseImage(NewImage);
    request.AddPercentPhase(50).AddPercentPhase(100);
    var options = new DeploymentOptions
    {
        SteadyState = new SteadyStateOptions
        {
            InitialPollInterval = TimeSpan.FromMilliseconds(100),
            MaxPollInterval = TimeSpan.FromMilliseconds(200),
            Timeout = TimeSpan.FromMinutes(1),
        },
    };

    await using var deployment = new CanaryDeployment(services, request, options);
    using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
    var result = await deployment.RunAsync(null, timeout.Token);

    Console.WriteLine($"result status={result.Status} strategy={result.Strategy} group={result.GroupName}");
    foreach (var group in emulator.State.Groups.OrderBy(g => g.Name, StringComparer.Ordinal))
    {
        var live = emulator.State.GetInstances(group.Id).Count(i => i.State != "terminated");
        Console.WriteLine($"group {group.Name} {group.Minimum}/{group.Target}/{group.Maximum} {group.ImageId} live={live}");
    }

    return result.Status == DeploymentStatus.Succeeded ? 0 : 1;
}
finally
{
    Directory.Delete(stateDirectory, recursive: true);
}

static JsonObject Group(string name, string image, int capacity) => new()
{
    ["name"] = name,
    ["region"] = "us-east-1",
    ["capacity"] = new JsonObject { ["minimum"] = capacity, ["target"] = capacity, ["maximum"] = capacity, ["unit"] = "instance" },
    ["strategy"] = new JsonObject { ["risk"] = 100, ["fallbackToOd"] = true, ["availabilityVsCost"] = "balanced" },
    ["compute"] = new JsonObject
    {
        ["product"] = "Linux/UNIX",
        ["availabilityZones"] = new JsonArray(new JsonObject { ["name"] = "us-east-1a", ["subnetIds"] = new JsonArray("subnet-1") }),
        ["instanceTypes"] = new JsonObject { ["ondemand"] = "t3.micro", ["spot"] = new JsonArray("t3.micro") },
        ["launchSpecification"] = new JsonObject { ["imageId"] = image, ["securityGroupIds"] = new JsonArray("sg-1") },
    },
};
