/**
 * The Kubernetes renderer behind `estimatorjs-cluster --kubernetes`: a headless Service (stable pod DNS names) and
 * an Indexed Job whose completion index picks the task (0 → chief:0, 1…N−1 → worker:0…N−2, N → evaluator:0), plus
 * a ReadWriteMany claim for the shared modelDir. Each pod derives its TF_CONFIG at start from
 * `JOB_COMPLETION_INDEX`. Owns: the manifests. Does not own: scheduling, restarts (the Job's) or what runs inside.
 */
import { stringify } from 'yaml';
import { ExperimentError } from '../errors.js';

/** Options of {@link renderKubernetes}. */
export interface KubernetesOptions {
  /** Name of the Job, the Service and the pods' subdomain (a DNS label). */
  readonly name: string;
  readonly image: string;
  /** Training replicas: the chief plus `workers − 1` workers. */
  readonly workers: number;
  readonly evaluator?: boolean;
  /** What every pod runs, e.g. `['node', 'examples/mnist/dist/cli.js', '--model_dir', '/model']`. */
  readonly command: readonly string[];
  /** Where the shared model directory is mounted (default `/model`). */
  readonly modelDir?: string;
  readonly namespace?: string;
  /** The port every task listens on for the all-reduce (default 2222, TF's habit). */
  readonly port?: number;
  /** Restarts of one pod's container before the Job fails (default 3 per task). */
  readonly restartsPerTask?: number;
  /** Size of the model directory claim (default `10Gi`). */
  readonly storage?: string;
}

/** A Kubernetes object as plain JSON. */
export type KubernetesObject = Record<string, unknown> & { apiVersion: string; kind: string };

// Derives TF_CONFIG from the completion index, then runs the command ("$@"). POSIX sh, no JSON tool needed.
const ENTRYPOINT = [
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a template
  'i="${JOB_COMPLETION_INDEX:?JOB_COMPLETION_INDEX is not set: run this pod from an Indexed Job}"',
  'if [ "$i" -eq 0 ]; then t=chief; k=0; elif [ "$i" -lt "$NUM_WORKERS" ]; then t=worker; k=$((i - 1)); else t=evaluator; k=0; fi',
  'export TF_CONFIG="{\\"cluster\\":$CLUSTER_SPEC,\\"task\\":{\\"type\\":\\"$t\\",\\"index\\":$k}}"',
  'echo "TF_CONFIG=$TF_CONFIG"',
  'exec "$@"',
].join('\n');

/**
 * The Service, the Job and the model directory claim for a TF_CONFIG cluster on Kubernetes.
 * @example
 *   const objects = renderKubernetes({ name: 'mnist', image: 'registry.example/mnist:1', workers: 2, command: ['pnpm', 'mnist'] });
 */
export function renderKubernetes(options: KubernetesOptions): KubernetesObject[] {
  const api = 'renderKubernetes()';
  const { name, image, workers, evaluator = false, command } = options;
  if (!/^[a-z]([-a-z0-9]{0,40}[a-z0-9])?$/.test(name)) {
    throw new ExperimentError(
      'INVALID_ARGUMENT',
      `${api}: name must be a DNS label (a-z, 0-9, '-'). Received ${JSON.stringify(name)}.`,
    );
  }
  if (!Number.isInteger(workers) || workers < 1) {
    throw new ExperimentError(
      'INVALID_ARGUMENT',
      `${api}: workers must be an integer >= 1. Received ${String(workers)}.`,
    );
  }
  if (typeof image !== 'string' || image === '' || command.length === 0) {
    throw new ExperimentError('INVALID_ARGUMENT', `${api}: give an image and the command every pod runs.`);
  }
  const port = options.port ?? 2222;
  const modelDir = options.modelDir ?? '/model';
  const namespace = options.namespace === undefined ? {} : { namespace: options.namespace };
  const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'estimatorjs' };
  // Pod i of an Indexed Job is named <job>-<i>; with subdomain = the headless Service it resolves as <job>-<i>.<svc>.
  const address = (i: number) => `${name}-${i}.${name}:${port}`;
  const cluster = {
    chief: [address(0)],
    ...(workers > 1 ? { worker: Array.from({ length: workers - 1 }, (_, i) => address(i + 1)) } : {}),
  };
  const tasks = workers + (evaluator ? 1 : 0);
  const claim = `${name}-model`;
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, ...namespace, labels },
      spec: {
        clusterIP: 'None',
        // Peers must resolve each other before they are ready: the rendezvous is what makes them ready.
        publishNotReadyAddresses: true,
        selector: { 'job-name': name },
        ports: [{ name: 'collective', port, targetPort: port }],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: claim, ...namespace, labels },
      spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: options.storage ?? '10Gi' } } },
    },
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name, ...namespace, labels },
      spec: {
        completionMode: 'Indexed',
        completions: tasks,
        parallelism: tasks,
        backoffLimit: (options.restartsPerTask ?? 3) * tasks,
        template: {
          metadata: { labels },
          spec: {
            subdomain: name,
            restartPolicy: 'OnFailure',
            containers: [
              {
                name: 'task',
                image,
                command: ['sh', '-c', ENTRYPOINT, 'estimatorjs-task', ...command],
                env: [
                  { name: 'NUM_WORKERS', value: String(workers) },
                  { name: 'CLUSTER_SPEC', value: JSON.stringify(cluster) },
                ],
                ports: [{ name: 'collective', containerPort: port }],
                volumeMounts: [{ name: 'model', mountPath: modelDir }],
              },
            ],
            volumes: [{ name: 'model', persistentVolumeClaim: { claimName: claim } }],
          },
        },
      },
    },
  ];
}

/**
 * The objects as one multi-document YAML stream (what `kubectl apply -f` reads).
 * @example
 *   const yaml = toYaml(renderKubernetes({ name: 'mnist', image: 'registry.example/mnist:1', workers: 2, command: ['pnpm', 'mnist'] }));
 */
export function toYaml(objects: readonly KubernetesObject[]): string {
  return objects.map((o) => stringify(o, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n');
}

/** The manifests in deploy/kubernetes/mnist.yaml: the MNIST example, 2 replicas + an evaluator. */
export const MNIST_KUBERNETES: KubernetesOptions = {
  name: 'mnist',
  image: 'estimatorjs-mnist:latest',
  workers: 2,
  evaluator: true,
  command: [
    'node',
    'examples/mnist/dist/cli.js',
    'train',
    '--model_dir',
    '/model',
    '--threads',
    '1',
    '--train_steps',
    '5000',
  ],
};
