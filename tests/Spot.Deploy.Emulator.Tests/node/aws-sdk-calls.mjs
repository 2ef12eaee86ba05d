// Calls the emulator's EC2 and ELBv2 endpoints with the official AWS SDK for JavaScript v3 and prints
// what the SDK parsed, proving the emulator speaks the real protocols.
//
// env: EC2_ENDPOINT, ELB_ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION
// stdin: {"owner", "namePattern", "loadBalancerName", "loadBalancerArn", "listenerArn", "ruleArn",
//         "targetGroupArns": [blue, green]}
// stdout: {"operation": parsed output summary, ...}; exit 1 (with the error on stderr) if any call fails.
import fs from "node:fs";
import { EC2Client, DescribeImagesCommand } from "@aws-sdk/client-ec2";
import {
  ElasticLoadBalancingV2Client,
  DescribeLoadBalancersCommand,
  DescribeListenersCommand,
  DescribeRulesCommand,
  ModifyListenerCommand,
  ModifyRuleCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";

const input = JSON.parse(fs.readFileSync(0, "utf8"));
const common = {
  region: process.env.AWS_REGION,
  credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY },
  maxAttempts: 1,
};
const ec2 = new EC2Client({ ...common, endpoint: process.env.EC2_ENDPOINT });
const elb = new ElasticLoadBalancingV2Client({ ...common, endpoint: process.env.ELB_ENDPOINT });
const [blue, green] = input.targetGroupArns;
const out = {};

try {
  const images = await ec2.send(new DescribeImagesCommand({ Owners: [input.owner], Filters: [{ Name: "name", Values: [input.namePattern] }] }));
  out.DescribeImages = images.Images.map((i) => ({ id: i.ImageId, name: i.Name, created: i.CreationDate, state: i.State, tags: i.Tags }));

  const lbs = await elb.send(new DescribeLoadBalancersCommand({ Names: [input.loadBalancerName] }));
  out.DescribeLoadBalancers = lbs.LoadBalancers.map((l) => ({ arn: l.LoadBalancerArn, name: l.LoadBalancerName, dns: l.DNSName }));

  const listeners = await elb.send(new DescribeListenersCommand({ LoadBalancerArn: input.loadBalancerArn }));
  out.DescribeListeners = listeners.Listeners.map((l) => ({ arn: l.ListenerArn, port: l.Port, actions: l.DefaultActions }));

  const rules = await elb.send(new DescribeRulesCommand({ ListenerArn: input.listenerArn }));
  out.DescribeRules = rules.Rules.map((r) => ({ arn: r.RuleArn, priority: r.Priority, isDefault: r.IsDefault, conditions: r.Conditions, actions: r.Actions }));

  const modified = await elb.send(new ModifyListenerCommand({
    ListenerArn: input.listenerArn,
    DefaultActions: [{
      Type: "forward",
      ForwardConfig: {
        TargetGroups: [{ TargetGroupArn: blue, Weight: 90 }, { TargetGroupArn: green, Weight: 10 }],
        TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 300 },
      },
    }],
  }));
  out.ModifyListener = modified.Listeners.map((l) => ({ arn: l.ListenerArn, actions: l.DefaultActions }));

  const rule = await elb.send(new ModifyRuleCommand({ RuleArn: input.ruleArn, Actions: [{ Type: "forward", TargetGroupArn: green, Order: 1 }] }));
  out.ModifyRule = rule.Rules.map((r) => ({ arn: r.RuleArn, conditions: r.Conditions, actions: r.Actions }));

  const groups = await elb.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: input.loadBalancerArn }));
  out.DescribeTargetGroups = groups.TargetGroups.map((g) => ({ arn: g.TargetGroupArn, name: g.TargetGroupName, port: g.Port }));

  const health = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: blue }));
  out.DescribeTargetHealth = health.TargetHealthDescriptions.map((t) => ({ id: t.Target.Id, state: t.TargetHealth.State }));
} catch (error) {
  process.stderr.write(`${error.name}: ${error.message}\n`);
  process.stdout.write(JSON.stringify(out, null, 2) + "\n");
  process.exit(1);
}

process.stdout.write(JSON.stringify(out, null, 2) + "\n");
