#requires -Version 7
<#
.SYNOPSIS
    Runs a canary deployment against the Spot.Deploy emulator from PowerShell: no project, no dependency
    injection, no generic or extension methods.

.DESCRIPTION
    Publish the assemblies first (bash eng/publish-powershell.sh, folder artifacts/powershell). The script
    starts the emulator on 127.0.0.1, seeds two AMIs and a running group "web__1" (2 instances), deploys
    the new AMI with one canary phase per percentage, prints the result and the groups, and stops the
    emulator. Ctrl+C cancels the deployment (it stops between calls; see docs/powershell/README.md).

    Needs a PowerShell that runs on .NET 10 (7.6; the assemblies target net10.0). Run by the test suite
    (tests/Spot.Deploy.PowerShell.Tests): a success, a never-healthy image rolled back, and a stop that cancels.

.PARAMETER Percents
    The canary phases, in percent of the running capacity: a list (25,50,100 at a PowerShell prompt) or one
    comma-separated string (what "pwsh -File canary.ps1 -Percents 25,50,100" passes from bash). Default 50,100.

.PARAMETER NeverHealthy
    The new image's instances never become healthy: the first phase's wait for steady state times out after
    -SteadyStateTimeout and the deployment is rolled back, which the script reports as an error (exit code 1).

.PARAMETER SteadyStateTimeout
    How long one wait for steady state may take. Default 1 minute.

.EXAMPLE
    ./docs/powershell/canary.ps1 -Percents 25,50,100

    From a PowerShell prompt in the repository root.

.EXAMPLE
    pwsh -NoProfile -File docs/powershell/canary.ps1 -Percents 25,50,100

    From bash or another shell. -File hands 25,50,100 to the script as one string, which it splits on the commas.

.EXAMPLE
    ./docs/powershell/canary.ps1 -NeverHealthy -SteadyStateTimeout 00:00:10

    A failing deployment: it is rolled back, and the error names the failed step and the status RolledBack.
#>
param(
    [string] $Folder = (Join-Path $PSScriptRoot '../../artifacts/powershell'),
    # Strings, not [int[]]: "-File canary.ps1 -Percents 25,50,100" binds the one string '25,50,100', which
    # [int[]] would read as the number 2550100 (commas as thousands separators).
    [string[]] $Percents = @('50', '100'),
    [switch] $NeverHealthy,
    [TimeSpan] $SteadyStateTimeout = [TimeSpan]::FromMinutes(1)
)

$ErrorActionPreference = 'Stop'
$Folder = (Resolve-Path $Folder).Path
$phases = @($Percents -split ',' | ForEach-Object { [int]::Parse($_.Trim(), [Globalization.CultureInfo]::InvariantCulture) })

# Dependencies first. Add-Type -Path loads with Assembly.LoadFrom, so what these load later (the emulator's
# ASP.NET Core assemblies) is found in the same folder.
foreach ($assembly in @(
        'Microsoft.Extensions.Logging.Abstractions.dll',
        'Polly.Core.dll',
        'AWSSDK.Core.dll',
        'AWSSDK.SecurityToken.dll',
        'Spot.Deploy.Planning.dll',
        'Spot.Deploy.Elastigroup.dll',
        'Spot.Deploy.Aws.dll',
        'Spot.Deploy.Strategies.dll',
        'Spot.Deploy.Emulator.dll')) {
    Add-Type -Path (Join-Path $Folder $assembly)
}

$oldImage = 'ami-0000000000000aaa1'
$newImage = 'ami-0000000000000bbb2'

function New-GroupJson([string] $name, [string] $image, [int] $capacity) {
    @{
        name     = $name
        region   = 'us-east-1'
        capacity = @{ minimum = $capacity; target = $capacity; maximum = $capacity; unit = 'instance' }
        strategy = @{ risk = 100; fallbackToOd = $true; availabilityVsCost = 'balanced' }
        compute  = @{
            product             = 'Linux/UNIX'
            availabilityZones   = @(@{ name = 'us-east-1a'; subnetIds = @('subnet-1') })
            instanceTypes       = @{ ondemand = 't3.micro'; spot = @('t3.micro') }
            launchSpecification = @{ imageId = $image; securityGroupIds = @('sg-1') }
        }
    } | ConvertTo-Json -Depth 10
}

# 1. The emulator (instances boot in 1 s and are healthy 1 s later).
$emulatorOptions = [Spot.Deploy.Emulator.EmulatorOptions]::new()
$emulatorOptions.BootTime = [TimeSpan]::FromSeconds(1)
$emulatorOptions.HealthCheckDelay = [TimeSpan]::FromSeconds(1)
$emulator = [Spot.Deploy.Emulator.SpotDeployEmulator]::StartAsync($emulatorOptions, [Threading.CancellationToken]::None).GetAwaiter().GetResult()

$stateDirectory = Join-Path ([IO.Path]::GetTempPath()) ('spot-deploy-ps-' + [Guid]::NewGuid().ToString('N'))
$spot = $null
$aws = $null
$deployment = $null
$cts = $null
$failure = $null
try {
    $emulator.State.SeedImage($oldImage, 'web-1.0', [DateTimeOffset]::UtcNow.AddDays(-10))
    $emulator.State.SeedImage($newImage, 'web-2.0', [DateTimeOffset]::UtcNow.AddDays(-1))
    if ($NeverHealthy) {
        $emulator.State.MarkImageNeverHealthy($newImage)
    }
    [void] $emulator.State.SeedGroup([System.Text.Json.Nodes.JsonNode]::Parse((New-GroupJson 'web__1' $oldImage 2)).AsObject())

    # 2. The clients and the services (what AddSpotDeploy would register in an application).
    $spotOptions = [Spot.Deploy.Elastigroup.ElastigroupClientOptions]::new()
    $spotOptions.BaseAddress = $emulator.SpotBaseAddress
    $spotOptions.Token = $emulator.Options.SpotToken          # a real token: from a secret store, never in a script
    $spotOptions.AccountId = $emulator.Options.AccountId
    $spot = [Spot.Deploy.Elastigroup.ElastigroupClient]::new($spotOptions)

    $awsOptions = [Spot.Deploy.Aws.AwsConnectionOptions]::new()
    $awsOptions.Region = $emulator.Options.Region
    $awsOptions.AccessKeyId = 'AKIDPOWERSHELL'
    $awsOptions.SecretAccessKey = 'powershell-secret'
    $awsOptions.Ec2Endpoint = $emulator.Ec2Endpoint
    $awsOptions.ElasticLoadBalancingEndpoint = $emulator.ElasticLoadBalancingEndpoint
    $aws = [Spot.Deploy.Aws.AwsConnection]::new($awsOptions)

    $services = [Spot.Deploy.Strategies.DeploymentServices]::CreateDefault($spot, $aws, $stateDirectory, $null, $null)

    # 3. The request and the options.
    $request = [Spot.Deploy.Strategies.CanaryDeploymentRequest]::new()
    $request.AppName = 'web'
    $request.Document = [Spot.Deploy.Elastigroup.ElastigroupDocument]::Parse((New-GroupJson 'web' $oldImage 2))
    $request.UseImage($newImage)
    foreach ($percent in $phases) {
        [void] $request.AddPercentPhase($percent)
    }

    $options = [Spot.Deploy.Strategies.DeploymentOptions]::new()
    $options.SteadyState.InitialPollInterval = [TimeSpan]::FromMilliseconds(250)
    $options.SteadyState.MaxPollInterval = [TimeSpan]::FromSeconds(1)
    $options.SteadyState.Timeout = $SteadyStateTimeout

    # 4. Run. Wait in short slices so Ctrl+C (or a host's Stop) reaches the script; the finally block then
    #    cancels the token and waits for the deployment to stop between two calls.
    $deployment = [Spot.Deploy.Strategies.CanaryDeployment]::new($services, $request, $options)
    $cts = [Threading.CancellationTokenSource]::new()
    "deploying $newImage to app web in canary phases of $($phases -join ', ') %"
    $task = $deployment.RunAsync($null, $cts.Token)
    try {
        while (-not $task.Wait(200)) { }
    }
    catch [AggregateException] {
        # Task.Wait wraps the failure: it is rethrown unwrapped by GetResult() below.
    }
    finally {
        if (-not $task.IsCompleted) {
            $cts.Cancel()                     # first: while stopping, a write to a stream may throw
            Write-Warning 'Cancelling the deployment...'
            try { $null = $task.GetAwaiter().GetResult() } catch { Write-Warning $_.Exception.InnerException.Message }
        }
    }

    try {
        $result = $task.GetAwaiter().GetResult()
        "result status=$($result.Status) strategy=$($result.Strategy) group=$($result.GroupName)"
    }
    catch [System.Management.Automation.MethodInvocationException] {
        if ($_.Exception.InnerException -isnot [Spot.Deploy.Strategies.DeploymentFailedException]) {
            throw
        }

        # Reported after the groups are printed, so the rollback can be seen.
        $failure = $_.Exception.InnerException
    }

    foreach ($group in $emulator.State.Groups | Sort-Object Name) {
        $live = @($emulator.State.GetInstances($group.Id) | Where-Object State -ne 'terminated').Count
        "group $($group.Name) $($group.Minimum)/$($group.Target)/$($group.Maximum) $($group.ImageId) live=$live"
    }
}
finally {
    if ($deployment) { $deployment.Dispose() }  # releases the app lock
    if ($cts) { $cts.Dispose() }
    if ($spot) { $spot.Dispose() }
    if ($aws) { $aws.Dispose() }
    # $null = : the Task of an async method is a Task<VoidTaskResult> at run time, and PowerShell, which calls
    # the run-time type's GetResult(), would print "System.Threading.Tasks.VoidTaskResult".
    $null = $emulator.DisposeAsync().AsTask().GetAwaiter().GetResult()
    Remove-Item -Recurse -Force $stateDirectory -ErrorAction SilentlyContinue
}

if ($failure) {
    # Terminating (ErrorActionPreference Stop): pwsh exits with 1, and the error record carries the library's
    # DeploymentFailedException (Status, FailedStep, DeploymentId; its InnerException is the cause).
    Write-Error -Exception $failure -Message "$($failure.Status): $($failure.Message)"
}
