using System.Reflection;
using Amazon.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spot.Deploy.Aws;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Strategies;
using Spot.Deploy.Testing;

namespace Spot.Deploy.DependencyInjection.Tests;

public sealed class AddSpotDeployTests : IDisposable
{
    private readonly TempDirectory _state = new();

    public void Dispose() => _state.Dispose();

    private void Valid(SpotDeployOptions o)
    {
        o.StateDirectory = _state.Path;
        o.Elastigroup.Token = "t";
        o.Elastigroup.AccountId = "act-1";
        o.Elastigroup.BaseAddress = new Uri("http://127.0.0.1:9");
    }

    private void ValidWithAws(SpotDeployOptions o)
    {
        Valid(o);
        o.Aws = new AwsConnectionOptions { Region = "eu-west-1", AccessKeyId = "AKIDTEST", SecretAccessKey = "secret" };
    }

    [Fact]
    public async Task AddSpotDeploy_ResolvesEveryServiceWiredToTheSameInstances()
    {
        var services = new ServiceCollection();
        services.AddSpotDeploy(ValidWithAws);
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var deployment = provider.GetRequiredService<DeploymentServices>();
        var recovery = provider.GetRequiredService<DeploymentRecovery>();

        deployment.Spot.Should().BeSameAs(provider.GetRequiredService<IElastigroupClient>())
            .And.BeSameAs(provider.GetRequiredService<ElastigroupClient>());
        deployment.Aws.Should().NotBeNull().And.BeSameAs(provider.GetRequiredService<AwsConnection>());
        deployment.Aws!.Options.Region.Should().Be("eu-west-1");
        deployment.Journal.Should().BeSameAs(provider.GetRequiredService<IDeploymentJournal>())
            .And.BeOfType<FileDeploymentJournal>().Which.Directory.Should().Be(Path.Combine(_state.Path, "journal"));
        deployment.AppLock.Should().BeSameAs(provider.GetRequiredService<IAppLock>()).And.BeOfType<CompositeAppLock>();
        deployment.TimeProvider.Should().BeSameAs(TimeProvider.System).And.BeSameAs(provider.GetRequiredService<TimeProvider>());
        deployment.LoggerFactory.Should().BeSameAs(provider.GetRequiredService<ILoggerFactory>());
        recovery.Services.Should().BeSameAs(deployment);
        recovery.Options.Should().BeSameAs(provider.GetRequiredService<DeploymentOptions>())
            .And.BeSameAs(provider.GetRequiredService<IOptions<SpotDeployOptions>>().Value.Deployment);
    }

    [Fact]
    public async Task AddSpotDeploy_ServicesAreSingletons_AlsoFromScopes()
    {
        var services = new ServiceCollection();
        services.AddSpotDeploy(ValidWithAws);
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        var types = new[]
        {
            typeof(IElastigroupClient), typeof(ElastigroupClient), typeof(AwsConnection), typeof(IDeploymentJournal), typeof(IAppLock),
            typeof(TimeProvider), typeof(DeploymentOptions), typeof(DeploymentServices), typeof(DeploymentRecovery), typeof(SpotRateLimiter),
        };

        var first = types.Select(provider.GetRequiredService).ToArray();
        await using var scope = provider.CreateAsyncScope();
        var fromScope = types.Select(scope.ServiceProvider.GetRequiredService).ToArray();

        for (var i = 0; i < types.Length; i++)
        {
            fromScope[i].Should().BeSameAs(first[i], types[i].Name);
            provider.GetRequiredService(types[i]).Should().BeSameAs(first[i], types[i].Name);
        }

        services.Where(d => d.ServiceType == typeof(IElastigroupClient) || d.ServiceType == typeof(DeploymentServices))
            .Should().OnlyContain(d => d.Lifetime == ServiceLifetime.Singleton);
    }

    [Fact]
    public async Task AddSpotDeploy_WithoutAwsOptions_RegistersNoConnection()
    {
        var services = new ServiceCollection();
        services.AddSpotDeploy(Valid);
        await using var provider = services.BuildServiceProvider();

        provider.GetService<AwsConnection>().Should().BeNull();
        provider.GetRequiredService<DeploymentServices>().Aws.Should().BeNull();
    }

    [Fact]
    public void AddSpotDeploy_InvalidOptions_FailOnFirstResolveNamingEveryBadSetting()
    {
        var services = new ServiceCollection();
        services.AddSpotDeploy(o =>
        {
            Valid(o);
            o.StateDirectory = "relative/state";
            o.Aws = new AwsConnectionOptions { Region = "US East" };
            o.Deployment.GateTimeout = TimeSpan.Zero;
        });

        // Registration itself does not validate: nothing is read until a service is resolved.
        using var provider = services.BuildServiceProvider();
        var act = () => provider.GetRequiredService<DeploymentServices>();

        var error = act.Should().Throw<OptionsValidationException>().Which;
        error.OptionsType.Should().Be<SpotDeployOptions>();
        error.Failures.Should().BeEquivalentTo(
            "SpotDeployOptions.StateDirectory must be an absolute path (was 'relative/state'): every process must find the same journals and locks whatever its working directory.",
            "SpotDeployOptions.Aws: The region 'US East' is not a region name like us-east-1. (Parameter 'Region')",
            "SpotDeployOptions.Deployment: GateTimeout must be positive (was 00:00:00). (Parameter 'GateTimeout')");
    }

    [Fact]
    public void AddSpotDeploy_InvalidSteadyState_KeepsTheFirstLineOfTheReason()
    {
        var services = new ServiceCollection();
        services.AddSpotDeploy(o =>
        {
            Valid(o);
            o.Deployment.SteadyState.InitialPollInterval = TimeSpan.FromSeconds(30);
        });
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<DeploymentRecovery>();

        act.Should().Throw<OptionsValidationException>().Which.Message.Should()
            .Be("SpotDeployOptions.Deployment: MaxPollInterval must be at least InitialPollInterval (00:00:30). (Parameter 'MaxPollInterval')");
    }

    [Fact]
    public void AddSpotDeploy_InvalidElastigroupOptions_FailWhenTheClientIsResolved()
    {
        var services = new ServiceCollection();
        services.AddSpotDeploy(o =>
        {
            Valid(o);
            o.Elastigroup.MaxRetries = 99;
        });
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<DeploymentServices>();

        act.Should().Throw<OptionsValidationException>().WithMessage("*MaxRetries must be between 0 and 20*");
    }

    [Fact]
    public async Task AddSpotDeploy_Configuration_IsBoundIntoEveryService()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SpotDeploy:StateDirectory"] = _state.Path,
            ["SpotDeploy:Elastigroup:BaseAddress"] = "http://127.0.0.1:9/",
            ["SpotDeploy:Elastigroup:Token"] = "cfg-token",
            ["SpotDeploy:Elastigroup:AccountId"] = "act-cfg",
            ["SpotDeploy:Elastigroup:MaxRetries"] = "2",
            ["SpotDeploy:Aws:Region"] = "ap-southeast-2",
            ["SpotDeploy:Aws:AccessKeyId"] = "AKIDCFG",
            ["SpotDeploy:Aws:SecretAccessKey"] = "secret",
            ["SpotDeploy:Aws:Ec2Endpoint"] = "http://127.0.0.1:10/",
            ["SpotDeploy:Deployment:OnFailure"] = "Stop",
            ["SpotDeploy:Deployment:RestoreScaledDownGroupsOnRollback"] = "false",
            ["SpotDeploy:Deployment:GateTimeout"] = "01:30:00",
            ["SpotDeploy:Deployment:SteadyState:Timeout"] = "00:20:00",
            ["SpotDeploy:Deployment:SteadyState:InitialPollInterval"] = "00:00:05",
            ["SpotDeploy:Deployment:SteadyState:RequireTargetGroupHealth"] = "true",
        }).Build();
        var services = new ServiceCollection();
        services.AddSpotDeploy(configuration.GetSection("SpotDeploy"), o => o.Deployment.Owner = "pipeline-7");
        await using var provider = services.BuildServiceProvider();

        var deployment = provider.GetRequiredService<DeploymentServices>();
        var options = provider.GetRequiredService<DeploymentOptions>();

        options.OnFailure.Should().Be(FailurePolicy.Stop);
        options.RestoreScaledDownGroupsOnRollback.Should().BeFalse();
        options.GateTimeout.Should().Be(TimeSpan.FromMinutes(90));
        options.SteadyState.Timeout.Should().Be(TimeSpan.FromMinutes(20));
        options.SteadyState.InitialPollInterval.Should().Be(TimeSpan.FromSeconds(5));
        options.SteadyState.MaxPollInterval.Should().Be(TimeSpan.FromSeconds(10), "unbound settings keep their defaults");
        options.SteadyState.RequireTargetGroupHealth.Should().BeTrue();
        options.Owner.Should().Be("pipeline-7", "code runs after binding");
        var client = provider.GetRequiredService<IOptions<ElastigroupClientOptions>>().Value;
        client.Token.Should().Be("cfg-token");
        client.AccountId.Should().Be("act-cfg");
        client.MaxRetries.Should().Be(2);
        client.BaseAddress.Should().Be(new Uri("http://127.0.0.1:9/"));
        deployment.Aws!.Options.Region.Should().Be("ap-southeast-2");
        deployment.Aws.Options.Ec2Endpoint.Should().Be(new Uri("http://127.0.0.1:10/"));
        deployment.Aws.CredentialsDescription.Should().Be(nameof(BasicAWSCredentials));
        ((FileDeploymentJournal)deployment.Journal).Directory.Should().Be(Path.Combine(_state.Path, "journal"));
    }

    [Fact]
    public async Task AddSpotDeploy_TheClientCallsSpotWithTheBoundSettings()
    {
        const string ListBody = """{"request":{"id":"r"},"response":{"status":{"code":200},"kind":"spotinst:aws:ec2:group","items":[{"id":"sig-1","name":"web__1"}],"count":1}}""";
        await using var server = await LoopbackServer.StartAsync(_ => new ScriptedResponse(200, ListBody));
        var services = new ServiceCollection();
        services.AddSpotDeploy(o =>
        {
            Valid(o);
            o.Elastigroup.BaseAddress = server.BaseAddress;
            o.Elastigroup.Token = "deploy-token";
            o.Elastigroup.AccountId = "act-deploy";
        });
        await using var provider = services.BuildServiceProvider();

        var groups = await provider.GetRequiredService<DeploymentServices>().Spot.ListGroupsAsync();

        groups.Single().Name.Should().Be("web__1");
        server.Requests.Single().Query.Should().Be("?accountId=act-deploy");
        server.Requests.Single().Header("Authorization").Should().Be("Bearer deploy-token");
    }

    [Fact]
    public async Task AddSpotDeploy_ElastigroupSettingsConfiguredAfterwards_ApplyOnTop()
    {
        var services = new ServiceCollection();
        services.AddSpotDeploy(o =>
        {
            Valid(o);
            o.Elastigroup.MaxRetries = 3;
            o.Elastigroup.RequestsPerMinutePerRoute = 11;
        });
        services.Configure<ElastigroupClientOptions>(o => o.MaxRetries = 4);
        await using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<ElastigroupClientOptions>>().Value;

        options.MaxRetries.Should().Be(4);
        options.RequestsPerMinutePerRoute.Should().Be(11);
        provider.GetRequiredService<SpotRateLimiter>().RequestsPerMinute.Should().Be(11);
    }

    [Fact]
    public async Task AddSpotDeploy_KeepsAJournalLockAndClockRegisteredBefore()
    {
        var clock = new VirtualClock();
        var journal = new InMemoryDeploymentJournal(clock);
        var appLock = new InProcessAppLock();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton<IDeploymentJournal>(journal);
        services.AddSingleton<IAppLock>(appLock);
        services.AddSpotDeploy(Valid);
        await using var provider = services.BuildServiceProvider();

        var deployment = provider.GetRequiredService<DeploymentServices>();

        deployment.Journal.Should().BeSameAs(journal);
        deployment.AppLock.Should().BeSameAs(appLock);
        deployment.TimeProvider.Should().BeSameAs(clock);
        provider.GetRequiredService<IOptions<ElastigroupClientOptions>>().Value.TimeProvider.Should().BeSameAs(TimeProvider.System, "the configured value is kept; the client itself gets the container's clock");
    }

    [Fact]
    public async Task AddSpotDeploy_CalledTwice_RegistersOnceAndAppliesBothConfigurations()
    {
        var services = new ServiceCollection();
        services.AddSpotDeploy(Valid);
        var count = services.Count;
        services.AddSpotDeploy(o => o.Deployment.OnFailure = FailurePolicy.Stop);
        await using var provider = services.BuildServiceProvider();

        services.Count.Should().Be(count + 1, "only the second configure action is added");
        services.Count(d => d.ServiceType == typeof(DeploymentServices)).Should().Be(1);
        provider.GetRequiredService<DeploymentOptions>().OnFailure.Should().Be(FailurePolicy.Stop);
        provider.GetRequiredService<IOptions<SpotDeployOptions>>().Value.StateDirectory.Should().Be(_state.Path);
    }

    [Fact]
    public void SpotDeployOptions_Defaults()
    {
        var options = new SpotDeployOptions();

        options.StateDirectory.Should().Be(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "spot-deploy"));
        options.Aws.Should().BeNull();
        options.Elastigroup.Should().NotBeNull();
        options.Deployment.OnFailure.Should().Be(FailurePolicy.RollBack);
    }

    [Fact]
    public void CopyInto_CopiesEveryElastigroupSetting()
    {
        var source = new ElastigroupClientOptions();
        SetEveryProperty(source);
        var target = new ElastigroupClientOptions();

        SpotDeployServiceCollectionExtensions.CopyInto(source, target);

        SettableProperties(typeof(ElastigroupClientOptions)).Should().NotBeEmpty()
            .And.OnlyContain(p => Equals(p.GetValue(target), p.GetValue(source)));
        SettableProperties(typeof(ElastigroupClientOptions)).Should().OnlyContain(p => !Equals(p.GetValue(target), p.GetValue(new ElastigroupClientOptions())), "every value was changed, so the check above can fail");
    }

    [Fact]
    public void Copy_CopiesEveryAwsSetting()
    {
        var source = new AwsConnectionOptions();
        SetEveryProperty(source);

        var copy = SpotDeployServiceCollectionExtensions.Copy(source);

        SettableProperties(typeof(AwsConnectionOptions)).Should().NotBeEmpty()
            .And.OnlyContain(p => Equals(p.GetValue(copy), p.GetValue(source)));
        SettableProperties(typeof(AwsConnectionOptions)).Should().OnlyContain(p => !Equals(p.GetValue(copy), p.GetValue(new AwsConnectionOptions())));
    }

    private static PropertyInfo[] SettableProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanRead && p.CanWrite).ToArray();

    /// <summary>Gives every settable property a value different from its default, by type.</summary>
    private static void SetEveryProperty(object options)
    {
        var number = 3;
        foreach (var property in SettableProperties(options.GetType()))
        {
            number++;
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            object value = type switch
            {
                _ when type == typeof(string) => "value-" + number,
                _ when type == typeof(int) => number,
                _ when type == typeof(double) => number + 0.5,
                _ when type == typeof(TimeSpan) => TimeSpan.FromMilliseconds((number * 1000) + 7), // never a round default
                _ when type == typeof(Uri) => new Uri($"http://127.0.0.1:{number}/"),
                _ when type == typeof(TimeProvider) => new VirtualClock(),
                _ when type == typeof(SpotRateLimiter) => new SpotRateLimiter(number, TimeProvider.System),
                _ when type == typeof(AWSCredentials) => new BasicAWSCredentials("AKID" + number, "secret"),
                _ => throw new InvalidOperationException($"Add a value for {property.Name} ({type.Name}) to this test, and copy it."),
            };
            property.SetValue(options, value);
        }
    }
}
