// Offline check of deploy/k8s: every manifest in kustomization.yaml against
// the Kubernetes OpenAPI schemas (kubernetes-models, k8s 1.27); for unknown
// or misspelt fields, which those schemas allow, each manifest is also
// type-checked as an object literal of its kubernetes-models interface
// (TypeScript rejects excess properties at any depth); then the properties the deployment promises (probes, non-root, read-only root,
// grace period covering preStop + drain, selectors that match, limits that
// agree with docker/nginx.conf). Prints one line per check and
// "N passed, N failed".
//
//   cd deploy/k8s/test && npm ci && node validate.mjs
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";

const k8sDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const repo = join(k8sDir, "..", "..");
let passed = 0;
let failed = 0;
function check(ok, what, detail = "") {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? "ok  " : "FAIL"} ${what}${detail ? ` (${detail})` : ""}`);
}

const kustomization = YAML.parse(readFileSync(join(k8sDir, "kustomization.yaml"), "utf8"));
const docs = [];
for (const file of kustomization.resources) {
  for (const d of YAML.parseAllDocuments(readFileSync(join(k8sDir, file), "utf8"))) {
    check(d.errors.length === 0, `${file}: YAML parses`, d.errors.map(String).join("; "));
    const obj = d.toJS();
    if (obj) docs.push({ file, obj });
  }
}

// ---- schemas -------------------------------------------------------------
for (const { file, obj } of docs) {
  const what = `${file}: ${obj.apiVersion} ${obj.kind} ${obj.metadata?.name} matches the schema`;
  try {
    const mod = await import(`kubernetes-models/${obj.apiVersion}/${obj.kind}`);
    new mod[obj.kind](obj).validate();
    check(true, what);
  } catch (e) {
    check(false, what, String(e.message || e).split("\n").slice(0, 6).join(" | "));
  }
}

// ---- unknown fields: TypeScript's excess-property check -----------------------
{
  const here = dirname(fileURLToPath(import.meta.url));
  const dir = join(here, "build-typecheck");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const files = [];
  docs.forEach(({ obj }, i) => {
    const name = `m${i}_${obj.kind}.ts`;
    writeFileSync(join(dir, name),
      `import type { I${obj.kind} } from "kubernetes-models/${obj.apiVersion}/${obj.kind}";\n` +
      `export const manifest: I${obj.kind} = ${JSON.stringify(obj, null, 2)};\n`);
    files.push(name);
  });
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, module: "nodenext", moduleResolution: "nodenext",
      target: "es2022", skipLibCheck: true, types: [] },
    files,
  }));
  let out = "";
  let ok = true;
  try {
    execFileSync(join(here, "node_modules", ".bin", "tsc"), ["-p", dir], { encoding: "utf8" });
  } catch (e) {
    ok = false;
    out = (e.stdout || "") + (e.stderr || "");
  }
  check(ok, "no unknown or misspelt fields (tsc excess-property check)",
    out.split("\n").filter((l) => l.includes("error")).slice(0, 6).join(" | "));
  rmSync(dir, { recursive: true, force: true });
}

// ---- what the deployment promises -------------------------------------------
const byKind = (k) => docs.find((d) => d.obj.kind === k)?.obj;
const dep = byKind("Deployment");
const svc = byKind("Service");
const hpa = byKind("HorizontalPodAutoscaler");
const pdb = byKind("PodDisruptionBudget");
check(dep && svc && hpa && pdb, "Deployment, Service, HPA and PDB are all there");

const pod = dep.spec.template.spec;
const c = pod.containers.find((x) => x.name === "activd");
const env = Object.fromEntries((c.env || []).map((e) => [e.name, e.value]));
const podLabels = dep.spec.template.metadata.labels;
const selects = (sel) => Object.entries(sel).every(([k, v]) => podLabels[k] === v);

check(c.readinessProbe?.httpGet?.path === "/readyz", "readiness probe is GET /readyz");
check(c.livenessProbe?.httpGet?.path === "/healthz", "liveness probe is GET /healthz");
check(c.resources?.requests?.cpu && c.resources?.requests?.memory, "CPU and memory requests set");
check(c.resources?.limits?.cpu && c.resources?.limits?.memory, "CPU and memory limits set");
check(pod.securityContext?.runAsNonRoot === true, "runAsNonRoot");
check(Number.isInteger(pod.securityContext?.runAsUser) && pod.securityContext.runAsUser !== 0,
  "numeric non-root runAsUser", String(pod.securityContext?.runAsUser));
check(c.securityContext?.readOnlyRootFilesystem === true, "readOnlyRootFilesystem");
check(c.securityContext?.allowPrivilegeEscalation === false, "allowPrivilegeEscalation false");
check((c.securityContext?.capabilities?.drop || []).includes("ALL"), "all capabilities dropped");
check(env.ACTIVD_BIND === "0.0.0.0", "binds 0.0.0.0 in the pod");
const port = c.ports.find((p) => p.name === "http")?.containerPort;
check(String(port) === env.ACTIVD_PORT, "containerPort = ACTIVD_PORT", `${port} / ${env.ACTIVD_PORT}`);

// preStop sleep + drain deadline must fit in the grace period, or the kubelet
// SIGKILLs a pod that is still answering.
const preStop = c.lifecycle?.preStop?.exec?.command;
const preStopSecs = preStop && preStop[0] === "sleep" ? Number(preStop[1]) : 0;
const drain = Number(env.ACTIVD_DRAIN_TIMEOUT ?? 20);
const grace = pod.terminationGracePeriodSeconds ?? 30;
check(preStopSecs > 0, "preStop waits for endpoints to drop the pod", `${preStopSecs} s`);
check(grace >= preStopSecs + drain, "terminationGracePeriodSeconds >= preStop + drain",
  `${grace} >= ${preStopSecs} + ${drain}`);

const cpuLimit = parseFloat(c.resources.limits.cpu);
check(Number(env.ACTIVD_THREADS) === Math.ceil(cpuLimit), "ACTIVD_THREADS = CPU limit",
  `${env.ACTIVD_THREADS} / ${c.resources.limits.cpu}`);

check(selects(dep.spec.selector.matchLabels), "Deployment selector matches its pod labels");
check(selects(svc.spec.selector), "Service selects the pods");
check(svc.spec.ports.some((p) => p.targetPort === "http" || p.targetPort === port),
  "Service targets the http port");
check(selects(pdb.spec.selector.matchLabels), "PDB selects the pods");
check(hpa.spec.scaleTargetRef.kind === "Deployment" && hpa.spec.scaleTargetRef.name === dep.metadata.name,
  "HPA targets the Deployment");
check(hpa.spec.metrics.some((m) => m.type === "Resource" && m.resource.name === "cpu"), "HPA scales on CPU");
check(hpa.spec.minReplicas > (pdb.spec.maxUnavailable ?? 0), "HPA minimum leaves pods during a disruption",
  `${hpa.spec.minReplicas} > ${pdb.spec.maxUnavailable}`);

// --max-body agrees with the nginx in front (docker/nginx.conf).
const nginx = readFileSync(join(repo, "docker", "nginx.conf"), "utf8");
const m = nginx.match(/client_max_body_size\s+(\d+)m;/);
check(m && env.ACTIVD_MAX_BODY === `${m[1]}Mi`, "ACTIVD_MAX_BODY = nginx client_max_body_size",
  `${env.ACTIVD_MAX_BODY} / ${m && m[1]}m`);

console.log(`manifests: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
