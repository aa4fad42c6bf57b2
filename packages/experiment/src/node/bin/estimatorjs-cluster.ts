#!/usr/bin/env node
/**
 * `estimatorjs-cluster --workers N [--evaluator] [--max-restarts K] -- <command…>`: runs the command as a local
 * TF_CONFIG cluster (runLocalCluster). `estimatorjs-cluster --kubernetes --image IMG --workers N [--evaluator]
 * [--name NAME] [--model-dir DIR] [--out DIR] -- <command…>`: writes the Kubernetes manifests instead.
 * Owns: argument parsing and Ctrl-C. Everything else is runLocalCluster's or renderKubernetes's.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseClusterArgs, USAGE } from '../cluster-args.js';
import { renderKubernetes, toYaml } from '../kubernetes.js';
import { runLocalCluster } from '../local-cluster.js';

async function main(): Promise<void> {
  const args = parseClusterArgs(process.argv.slice(2));
  if (args === 'help') {
    console.log(USAGE);
    return;
  }
  if (args.kubernetes) {
    const manifests = renderKubernetes({
      name: args.name,
      image: args.image!,
      workers: args.workers,
      evaluator: args.evaluator,
      command: args.command,
      modelDir: args.modelDir,
    });
    const yaml = toYaml(manifests);
    if (args.out === undefined) process.stdout.write(yaml);
    else {
      mkdirSync(args.out, { recursive: true });
      writeFileSync(join(args.out, `${args.name}.yaml`), yaml);
      console.log(`estimatorjs-cluster: wrote ${join(args.out, `${args.name}.yaml`)}; apply it with kubectl apply -f.`);
    }
    return;
  }
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  process.once('SIGTERM', () => controller.abort());
  const result = await runLocalCluster({
    workers: args.workers,
    evaluator: args.evaluator,
    command: args.command,
    maxRestarts: args.maxRestarts,
    signal: controller.signal,
  });
  const restarted = Object.entries(result.restarts).filter(([, n]) => n > 0);
  console.log(
    `estimatorjs-cluster: ${result.tasks.length} task(s) finished${restarted.length ? ` (restarts: ${restarted.map(([t, n]) => `${t} ×${n}`).join(', ')})` : ''}.`,
  );
}

main().catch((e: unknown) => {
  console.error((e as Error).message ?? String(e));
  process.exit((e as { code?: string }).code === 'BAD_FLAG' ? 2 : 1);
});
