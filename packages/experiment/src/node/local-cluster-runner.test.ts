/** The local runner's process handling with tiny real processes (node -e): TF_CONFIG per task, restarts, stop. */
import { describe, expect, it } from 'vitest';
import { parseClusterArgs } from './cluster-args.js';
import { runLocalCluster } from './local-cluster.js';

const node = process.execPath;

describe('runLocalCluster', () => {
  it('gives every task its own TF_CONFIG (chief:0, worker:0…N−2, evaluator:0) on distinct 127.0.0.1 ports', async () => {
    const lines: string[] = [];
    const result = await runLocalCluster({
      workers: 3,
      evaluator: true,
      command: [node, '-e', 'console.log("got " + process.env.TF_CONFIG)'],
      output: (l) => lines.push(l),
    });
    expect(result.tasks.map((t) => t.name)).toEqual(['chief:0', 'worker:0', 'worker:1', 'evaluator:0']);
    for (const t of result.tasks) {
      const got = lines.find((l) => l.startsWith(`[${t.name}`) && l.includes('got '))!;
      const config = JSON.parse(got.slice(got.indexOf('got ') + 4));
      expect(config.task).toEqual({ type: t.type, index: t.index });
      const ports = [...config.cluster.chief, ...config.cluster.worker].map((a: string) => a.split(':')[1]);
      expect(new Set(ports).size).toBe(3);
      expect(config.cluster.chief[0]).toMatch(/^127\.0\.0\.1:\d+$/);
    }
  });

  it('restarts a failing task up to its budget, then stops the cluster with the reason', async () => {
    const lines: string[] = [];
    const error = await runLocalCluster({
      workers: 2,
      maxRestarts: 2,
      command: [node, '-e', 'process.exit(JSON.parse(process.env.TF_CONFIG).task.type === "worker" ? 3 : 0)'],
      output: (l) => lines.push(l),
    }).catch((e) => e);
    expect(error.message).toBe(
      'estimatorjs-cluster: worker:0 exited with status 3 and used its 2 restart(s); stopping the cluster.',
    );
    expect(lines.filter((l) => /restarting \(\d\/2\)/.test(l))).toHaveLength(2);
  });

  it('an abort (Ctrl-C) stops every task', async () => {
    const controller = new AbortController();
    const pids: number[] = [];
    const run = runLocalCluster({
      workers: 2,
      command: [node, '-e', 'setInterval(() => {}, 1000)'],
      output: () => {},
      signal: controller.signal,
      onSpawn: (_t, child) => {
        pids.push(child.pid!);
        if (pids.length === 2) controller.abort();
      },
    });
    await expect(run).rejects.toThrow(/stopped \(interrupted\)/);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  });
});

describe('estimatorjs-cluster flags', () => {
  it('parses the local and the Kubernetes forms', () => {
    expect(parseClusterArgs(['--workers', '2', '--evaluator', '--', 'node', 'train.js', '--steps', '3'])).toMatchObject(
      {
        workers: 2,
        evaluator: true,
        kubernetes: false,
        command: ['node', 'train.js', '--steps', '3'],
      },
    );
    expect(parseClusterArgs(['--kubernetes', '--image=img:1', '--workers=4', '--', 'x'])).toMatchObject({
      kubernetes: true,
      image: 'img:1',
      workers: 4,
    });
    expect(() => parseClusterArgs(['--workers', '0', '--', 'x'])).toThrow(/--workers must be an integer >= 1/);
    expect(() => parseClusterArgs(['--workers', '2'])).toThrow(/give the command every task runs after `--`/);
    expect(() => parseClusterArgs(['--kubernetes', '--workers', '2', '--', 'x'])).toThrow(/needs --image/);
    expect(() => parseClusterArgs(['--wrokers', '2', '--', 'x'])).toThrow(/unknown flag "--wrokers"/);
  });
});
