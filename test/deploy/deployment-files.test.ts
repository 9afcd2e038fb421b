/**
 * The Dockerfile and deploy/kubernetes/ against the code (issue 16 item 8). No image can be built
 * here, so this test reads the files and checks them against what the CLI really uses: the
 * `serve` flags and their defaults, the health paths the server answers, the metrics path, the
 * environment variables the config module reads (secrets as `_FILE`), the audit directory, the
 * tools directory (the ConfigMap's tools load with the server's loader) and the user.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { register as registerServe } from '../../src/cli/commands/serve.js';
import { EnvSchema, SECRET_FILE_VARIABLES } from '../../src/config.js';
import { loadTools } from '../../src/definition/index.js';
import { ToolServerOptionsSchema, createToolServer } from '../../src/server/index.js';
import { createTelemetry } from '../../src/telemetry/index.js';
import { fakeCliContext } from '../support/cli-context.js';
import { REPO } from '../support/deploy-files.js';

/**
 * Variables the config module does not read on this branch yet: the Redis (shared limits) and
 * audit (instance id) branches add them in parallel. The lead removes this list at merge, when
 * EnvSchema names them.
 */
const K8S = `${REPO}deploy/kubernetes/`;

// ---- The Dockerfile ----------------------------------------------------------------------------

interface Instruction {
  readonly op: string;
  readonly args: string;
}

/** The Dockerfile's instructions, continuation lines joined, comments dropped. */
function dockerfile(): Instruction[] {
  const text = readFileSync(`${REPO}Dockerfile`, 'utf8');
  const logical = text
    .split('\n')
    .filter((l) => !l.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return logical
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) => {
      const [op = '', ...rest] = l.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

function only(instructions: Instruction[], op: string): Instruction[] {
  return instructions.filter((i) => i.op === op);
}

/** The last stage's instructions (what the image runs with). */
function finalStage(instructions: Instruction[]): Instruction[] {
  const last = instructions.map((i) => i.op).lastIndexOf('FROM');
  return instructions.slice(last);
}

/** `--flag value` pairs of an argument vector. */
function flags(argv: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  argv.forEach((a, i) => {
    if (a.startsWith('--')) out.set(a, argv[i + 1] ?? '');
  });
  return out;
}

/** `serve`'s options as the CLI registers them: flag → default. */
function serveOptions(): Map<string, unknown> {
  const program = new Command();
  registerServe(program, fakeCliContext().ctx);
  const serve = program.commands.find((c) => c.name() === 'serve');
  if (serve === undefined) throw new Error('serve is not registered');
  return new Map(serve.options.map((o) => [o.long ?? '', o.defaultValue]));
}

// ---- The manifests -------------------------------------------------------------------------------

const Probe = z.object({ httpGet: z.object({ path: z.string(), port: z.string() }) });
const EnvVar = z.object({
  name: z.string(),
  value: z.string().optional(),
  valueFrom: z
    .object({
      fieldRef: z.object({ fieldPath: z.string() }).optional(),
      secretKeyRef: z.object({ name: z.string(), key: z.string() }).optional(),
    })
    .optional(),
});
const Container = z.object({
  args: z.array(z.string()),
  ports: z.array(z.object({ name: z.string(), containerPort: z.number() })),
  env: z.array(EnvVar),
  volumeMounts: z.array(
    z.object({ name: z.string(), mountPath: z.string(), readOnly: z.boolean().optional() }),
  ),
  readinessProbe: Probe,
  livenessProbe: Probe,
  lifecycle: z.object({ preStop: z.object({ exec: z.object({ command: z.array(z.string()) }) }) }),
  securityContext: z.object({ readOnlyRootFilesystem: z.literal(true) }),
});
const Deployment = z.object({
  kind: z.literal('Deployment'),
  spec: z.object({
    replicas: z.number(),
    selector: z.object({ matchLabels: z.record(z.string(), z.string()) }),
    template: z.object({
      metadata: z.object({
        labels: z.record(z.string(), z.string()),
        annotations: z.record(z.string(), z.string()),
      }),
      spec: z.object({
        terminationGracePeriodSeconds: z.number(),
        securityContext: z.object({
          runAsNonRoot: z.literal(true),
          runAsUser: z.number(),
          runAsGroup: z.number(),
          fsGroup: z.number(),
        }),
        containers: z.array(Container).length(1),
        volumes: z.array(
          z.object({
            name: z.string(),
            configMap: z.object({ name: z.string() }).optional(),
            secret: z
              .object({
                secretName: z.string(),
                items: z.array(z.object({ key: z.string(), path: z.string() })),
              })
              .optional(),
            persistentVolumeClaim: z.object({ claimName: z.string() }).optional(),
          }),
        ),
      }),
    }),
  }),
});
const Service = z.object({
  kind: z.literal('Service'),
  spec: z.object({
    selector: z.record(z.string(), z.string()),
    ports: z.array(z.object({ name: z.string(), port: z.number(), targetPort: z.string() })),
  }),
});
const Budget = z.object({
  kind: z.literal('PodDisruptionBudget'),
  spec: z.object({
    minAvailable: z.number(),
    selector: z.object({ matchLabels: z.record(z.string(), z.string()) }),
  }),
});
const ToolsConfigMap = z.object({
  kind: z.literal('ConfigMap'),
  metadata: z.object({ name: z.string() }),
  data: z.record(z.string(), z.string()),
});
const Kustomization = z.object({ resources: z.array(z.string()) });
const Claim = z.object({
  kind: z.literal('PersistentVolumeClaim'),
  metadata: z.object({ name: z.string() }),
});

/** The one document of a manifest file. */
function manifest<S extends z.ZodType>(file: string, schema: S): z.output<S> {
  const docs = parseAllDocuments(readFileSync(`${K8S}${file}`, 'utf8'));
  expect(docs, file).toHaveLength(1);
  return schema.parse(docs[0]?.toJS());
}

const deployment = manifest('deployment.yaml', Deployment);
const pod = deployment.spec.template.spec;
const container = pod.containers[0] ?? Container.parse(undefined);
const dockerInstructions = dockerfile();
const image = finalStage(dockerInstructions);
const cmd = z.array(z.string()).parse(JSON.parse(only(image, 'CMD')[0]?.args ?? 'null'));
const workdir = only(image, 'WORKDIR').at(-1)?.args ?? '';

function portOf(name: string): number | undefined {
  return container.ports.find((p) => p.name === name)?.containerPort;
}

function envValue(name: string): string | undefined {
  return container.env.find((e) => e.name === name)?.value;
}

function mountOf(path: string): { name: string; mountPath: string } | undefined {
  return container.volumeMounts.find(
    (m) => path === m.mountPath || path.startsWith(`${m.mountPath}/`),
  );
}

describe('the Dockerfile', () => {
  it('is multi-stage and runs as a non-root numeric user that owns the audit directory', () => {
    expect(only(dockerInstructions, 'FROM').length).toBeGreaterThanOrEqual(2);
    const user = only(image, 'USER').at(-1)?.args ?? '';
    expect(user).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    const auditFile = /GENESYS_TOOLS_AUDIT_FILE=(\S+)/.exec(
      only(image, 'ENV')
        .map((e) => e.args)
        .join(' '),
    )?.[1];
    expect(auditFile).toBeDefined();
    const auditDir = posix.dirname(auditFile ?? '');
    const run = only(image, 'RUN')
      .map((r) => r.args)
      .join('\n');
    expect(run).toContain(`mkdir -p ${auditDir}`);
    expect(run).toMatch(new RegExp(`chown -R ${user} ${posix.dirname(auditDir)}\\b`));
    expect(only(image, 'VOLUME')[0]?.args).toContain(posix.dirname(auditDir));
  });

  it('serves on the CLI’s default ports, exposes them and checks /healthz', () => {
    const defaults = serveOptions();
    const argv = flags(cmd);
    expect(cmd.slice(0, 3)).toEqual(['node', 'dist/cli/main.js', 'serve']);
    for (const flag of argv.keys()) expect(defaults.has(flag), flag).toBe(true);
    expect(argv.get('--port')).toBe(defaults.get('--port'));
    expect(argv.get('--metrics-port')).toBe(defaults.get('--metrics-port'));
    expect(argv.get('--host')).toBe('0.0.0.0');
    expect(only(image, 'EXPOSE')[0]?.args.split(/\s+/).sort()).toEqual(
      [argv.get('--port'), argv.get('--metrics-port')].sort(),
    );
    const healthcheck = only(image, 'HEALTHCHECK')[0]?.args ?? '';
    expect(healthcheck).toContain(`http://127.0.0.1:${argv.get('--port') ?? ''}/healthz`);
  });

  it('compiles the tools to .js in the build stage and ships only them', () => {
    const run = only(dockerInstructions, 'RUN')
      .map((r) => r.args)
      .join('\n');
    expect(run).toMatch(/npx tsc --outDir tools .*tools-src\/\*\.tool\.ts/);
    expect(only(image, 'COPY').map((c) => c.args)).toContain('--from=build /app/tools ./tools');
    expect(flags(cmd).get('--tools')).toBe('tools');
    expect(workdir).toBe('/app');
  });
});

describe('the Kubernetes manifests', () => {
  it('run three replicas behind a Service, with a disruption budget, all in the kustomization', () => {
    expect(deployment.spec.replicas).toBe(3);
    const labels = deployment.spec.template.metadata.labels;
    expect(labels).toMatchObject(deployment.spec.selector.matchLabels);
    const service = manifest('service.yaml', Service);
    expect(labels).toMatchObject(service.spec.selector);
    for (const p of service.spec.ports) expect(portOf(p.targetPort), p.name).toBe(p.port);
    const budget = manifest('pod-disruption-budget.yaml', Budget);
    expect(labels).toMatchObject(budget.spec.selector.matchLabels);
    expect(budget.spec.minAvailable).toBeLessThan(deployment.spec.replicas);
    const kustomization = manifest('kustomization.yaml', Kustomization);
    expect(kustomization.resources.sort()).toEqual(
      [
        'audit-volume.yaml',
        'deployment.yaml',
        'pod-disruption-budget.yaml',
        'service.yaml',
        'tools-configmap.yaml',
      ].sort(),
    );
  });

  it('run the image’s command, on its ports, as its user', () => {
    expect(container.args).toEqual([...cmd.slice(0, -1), posix.join(workdir, cmd.at(-1) ?? '')]);
    const argv = flags(container.args);
    expect(String(portOf('http'))).toBe(argv.get('--port'));
    expect(String(portOf('metrics'))).toBe(argv.get('--metrics-port'));
    const [uid, gid] = (only(image, 'USER').at(-1)?.args ?? '').split(':').map(Number);
    expect(pod.securityContext).toMatchObject({ runAsUser: uid, runAsGroup: gid, fsGroup: gid });
    const annotations = deployment.spec.template.metadata.annotations;
    expect(annotations['prometheus.io/port']).toBe(argv.get('--metrics-port'));
  });

  it('probe the paths the server answers, and Prometheus scrapes the path telemetry serves', async () => {
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    const tools = await configMapTools();
    const app = await createToolServer({ tools: [...tools], auth: { insecureNoAuth: true } });
    onTestFinished(() => app.close());
    for (const probe of [container.readinessProbe, container.livenessProbe]) {
      const answer = await app.inject({ method: 'GET', url: probe.httpGet.path });
      expect(answer.statusCode, probe.httpGet.path).toBe(200);
    }
    expect((await app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(404);
    const telemetry = await createTelemetry({
      toolNames: [],
      metricsPort: 0,
      runtimeMetrics: false,
    });
    onTestFinished(() => telemetry.shutdown());
    const metricsPath = new URL(telemetry.metricsUrl ?? '').pathname;
    expect(deployment.spec.template.metadata.annotations['prometheus.io/path']).toBe(metricsPath);
  });

  it('set only variables the CLI reads, secrets as files from the mounted Secret', () => {
    const known = new Set([
      ...Object.keys(EnvSchema.shape),
      ...SECRET_FILE_VARIABLES.map((v) => `${v}_FILE`),
    ]);
    for (const e of container.env) expect(known.has(e.name), e.name).toBe(true);
    // No secret as a plain value: each secret variable is a _FILE path into the Secret's volume.
    for (const secret of SECRET_FILE_VARIABLES) {
      expect(
        container.env.some((e) => e.name === secret),
        secret,
      ).toBe(false);
    }
    const secretVolume = pod.volumes.find((v) => v.secret !== undefined);
    const secretFiles = new Set(SECRET_FILE_VARIABLES.map((v) => `${v}_FILE`));
    const files = container.env.filter((e) => secretFiles.has(e.name));
    expect(files.map((e) => e.name).sort()).toEqual([
      'GENESYS_TOOLS_AUDIT_HMAC_KEY_FILE',
      'GENESYS_TOOLS_BEARER_TOKEN_FILE',
    ]);
    for (const e of files) {
      const mount = mountOf(e.value ?? '');
      expect(mount?.name, e.name).toBe(secretVolume?.name);
      const item = posix.relative(mount?.mountPath ?? '', e.value ?? '');
      expect(
        secretVolume?.secret?.items.map((i) => i.path),
        e.name,
      ).toContain(item);
    }
    const instance = container.env.find((e) => e.name === 'GENESYS_TOOLS_INSTANCE_ID');
    expect(instance?.valueFrom?.fieldRef?.fieldPath).toBe('metadata.name');
    const redis = container.env.find((e) => e.name === 'GENESYS_TOOLS_REDIS_URL');
    expect(redis?.valueFrom?.secretKeyRef?.name).toBe(secretVolume?.secret?.secretName);
  });

  it('write the audit log on its volume, as in the image, with a read-only root', () => {
    const auditFile = envValue('GENESYS_TOOLS_AUDIT_FILE') ?? '';
    const imageAudit = /GENESYS_TOOLS_AUDIT_FILE=(\S+)/.exec(
      only(image, 'ENV')
        .map((e) => e.args)
        .join(' '),
    )?.[1];
    expect(auditFile).toBe(imageAudit);
    const mount = mountOf(dirname(auditFile));
    const volume = pod.volumes.find((v) => v.name === mount?.name);
    expect(volume?.persistentVolumeClaim?.claimName).toBe(
      manifest('audit-volume.yaml', Claim).metadata.name,
    );
    expect(mount?.mountPath).toBe(only(image, 'VOLUME')[0]?.args.replace(/[[\]"]/g, ''));
    // Every other mount is read-only: the audit volume is the only place the server writes.
    for (const m of container.volumeMounts.filter((v) => v !== mount))
      expect(m.readOnly, m.name).toBe(true);
  });

  it('let the drain finish: preStop, then the server’s drain, within the grace period', () => {
    const [command, seconds] = container.lifecycle.preStop.exec.command;
    expect(command).toBe('sleep');
    const drainMs = ToolServerOptionsSchema.shape.drainTimeoutMs.parse(undefined);
    expect(Number(seconds) + drainMs / 1000).toBeLessThan(pod.terminationGracePeriodSeconds);
  });

  it('mount the ConfigMap’s tools where the server reads them, and they load', async () => {
    const toolsMount = mountOf(flags(container.args).get('--tools') ?? '');
    const volume = pod.volumes.find((v) => v.name === toolsMount?.name);
    const configMap = manifest('tools-configmap.yaml', ToolsConfigMap);
    expect(volume?.configMap?.name).toBe(configMap.metadata.name);
    const tools = await configMapTools();
    expect(tools.map((t) => t.name)).toEqual(['check_inventory']);
  });
});

/**
 * The ConfigMap's tools, written into a directory inside the repository (as in the image, where
 * 'genesys-tools' resolves to the package itself, here the built dist/) and loaded with the
 * server's loader: no issue, every tool has its handler.
 */
async function configMapTools() {
  const configMap = manifest('tools-configmap.yaml', ToolsConfigMap);
  const dir = mkdtempSync(join(REPO, '.configmap-tools-'));
  onTestFinished(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  for (const [file, source] of Object.entries(configMap.data)) {
    expect(file).toMatch(/^[a-z0-9_]+\.tool\.js$/);
    writeFileSync(join(dir, file), source);
  }
  const { tools, issues } = await loadTools([dir], { cwd: REPO });
  expect(issues).toEqual([]);
  for (const t of tools) expect(t.handler, t.name).toBeDefined();
  return tools;
}
