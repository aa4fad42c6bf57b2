/**
 * The Kubernetes manifests against the Kubernetes API schema (kubernetes-models: the OpenAPI schemas of the API
 * server compiled to validators), the checked-in deploy/kubernetes/ files against the renderer, and the pods'
 * entrypoint run by a real `sh` for every completion index, its TF_CONFIG parsed as RunConfig parses it.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTfConfig } from '@estimatorjs/estimator';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Service } from 'kubernetes-models/v1/Service';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { MNIST_KUBERNETES, renderKubernetes, toYaml } from './kubernetes.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '../../../..');

function validate(o: Record<string, unknown>): void {
  const Model = { Service, Job, PersistentVolumeClaim }[o.kind as string];
  if (!Model) throw new Error(`unexpected kind ${String(o.kind)}`);
  // biome-ignore lint/suspicious/noExplicitAny: each model class takes its own interface
  new Model(o as any).validate();
}

describe('estimatorjs-cluster --kubernetes', () => {
  const objects = renderKubernetes({
    name: 'mnist',
    image: 'registry.example/estimatorjs-mnist:1',
    workers: 3,
    evaluator: true,
    command: ['node', 'examples/mnist/dist/cli.js', 'train', '--model_dir', '/model'],
  });

  it('renders a headless Service, a model-dir claim and an Indexed Job that validate against the API schema', () => {
    expect(objects.map((o) => o.kind)).toEqual(['Service', 'PersistentVolumeClaim', 'Job']);
    for (const o of objects) validate(o);
    // biome-ignore lint/suspicious/noExplicitAny: plain JSON manifests, read by path
    const [service, , job] = objects as [any, any, any];
    expect(service.spec.clusterIP).toBe('None');
    expect(job.spec).toMatchObject({ completionMode: 'Indexed', completions: 4, parallelism: 4 });
    expect(job.spec.template.spec.subdomain).toBe(service.metadata.name);
    // The validator is real: a wrong type fails it.
    const broken = structuredClone(job);
    broken.spec.completions = 'four';
    expect(() => validate(broken)).toThrow(/completions/);
  });

  it('each pod derives its TF_CONFIG from JOB_COMPLETION_INDEX (run by sh, parsed as RunConfig does)', () => {
    // biome-ignore lint/suspicious/noExplicitAny: a plain JSON manifest, read by path
    const container = (objects[2] as any).spec.template.spec.containers[0];
    const env = Object.fromEntries(container.env.map((e: { name: string; value: string }) => [e.name, e.value]));
    const [sh, dashC, script, name] = container.command;
    const roles = [0, 1, 2, 3].map((index) => {
      const run = spawnSync(sh, [dashC, script, name, process.execPath, '-e', 'console.log(process.env.TF_CONFIG)'], {
        env: { PATH: process.env.PATH, ...env, JOB_COMPLETION_INDEX: String(index) },
        encoding: 'utf8',
      });
      expect(run.status).toBe(0);
      const role = parseTfConfig(run.stdout.trim().split('\n').at(-1)!);
      return `${role.taskType}:${role.taskId}`;
    });
    expect(roles).toEqual(['chief:0', 'worker:0', 'worker:1', 'evaluator:0']);
    const chief = parseTfConfig(
      spawnSync(sh, [dashC, script, name, process.execPath, '-e', 'console.log(process.env.TF_CONFIG)'], {
        env: { PATH: process.env.PATH, ...env, JOB_COMPLETION_INDEX: '0' },
        encoding: 'utf8',
      })
        .stdout.trim()
        .split('\n')
        .at(-1)!,
    );
    // Stable pod DNS names: <job>-<index>.<service>.
    expect(chief.clusterSpec).toEqual({
      chief: ['mnist-0.mnist:2222'],
      worker: ['mnist-1.mnist:2222', 'mnist-2.mnist:2222'],
    });
    const missing = spawnSync(sh, [dashC, script, name, 'true'], { env: { PATH: process.env.PATH, ...env } });
    expect(missing.status).not.toBe(0);
  });

  it('deploy/kubernetes/mnist.yaml is what the renderer writes, and validates', () => {
    const text = readFileSync(join(repo, 'deploy/kubernetes/mnist.yaml'), 'utf8');
    expect(text).toBe(toYaml(renderKubernetes(MNIST_KUBERNETES)));
    const docs = parseAllDocuments(text).map((d) => d.toJSON());
    expect(docs.map((d) => d.kind)).toEqual(['Service', 'PersistentVolumeClaim', 'Job']);
    for (const d of docs) validate(d);
  });

  it('rejects a name that is not a DNS label', () => {
    expect(() => renderKubernetes({ name: 'My_Job', image: 'i', workers: 2, command: ['x'] })).toThrow(
      /name must be a DNS label/,
    );
  });
});
