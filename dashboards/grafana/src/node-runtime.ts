import { rate, type DashboardSpec } from './kit.ts';

export const nodeRuntime: DashboardSpec = {
  uid: 'paylab-node-runtime',
  title: 'paylab · Node runtime',
  description:
    'Is a service slow because its Node process is starved? Event-loop lag, heap, GC, CPU per service.',
  tags: ['node', 'runtime'],
  rows: [
    {
      title: 'Event loop and CPU',
      panels: [
        {
          kind: 'timeseries',
          title: 'Event-loop lag p99',
          description: 'How late timers fire: a blocked loop delays every request in that process.',
          unit: 's',
          queries: [
            {
              expr: 'max by (job, instance) (nodejs_eventloop_lag_p99_seconds)',
              legend: '{{job}} {{instance}}',
            },
          ],
        },
        {
          kind: 'timeseries',
          title: 'CPU',
          description: 'CPU seconds per second per process (1 = one core).',
          unit: 'percentunit',
          queries: [
            {
              expr: `sum by (job, instance) (${rate('process_cpu_seconds_total')})`,
              legend: '{{job}} {{instance}}',
            },
          ],
        },
      ],
    },
    {
      title: 'Memory and GC',
      panels: [
        {
          kind: 'timeseries',
          title: 'Heap used',
          description: 'V8 heap in use per process.',
          unit: 'bytes',
          queries: [
            { expr: 'sum by (job, instance) (nodejs_heap_size_used_bytes)', legend: '{{job}} {{instance}}' },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Resident memory',
          description: 'Process RSS.',
          unit: 'bytes',
          queries: [
            {
              expr: 'max by (job, instance) (process_resident_memory_bytes)',
              legend: '{{job}} {{instance}}',
            },
          ],
        },
        {
          kind: 'timeseries',
          title: 'GC time per second',
          description: 'Seconds spent in garbage collection per second, by process and GC kind.',
          unit: 'percentunit',
          queries: [
            {
              expr: `sum by (job, kind) (${rate('nodejs_gc_duration_seconds_sum')})`,
              legend: '{{job}} {{kind}}',
            },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Active handles',
          description: 'Open sockets, timers and files per process: a leak grows here.',
          unit: 'short',
          queries: [
            { expr: 'sum by (job, instance) (nodejs_active_handles_total)', legend: '{{job}} {{instance}}' },
          ],
        },
      ],
    },
  ],
};
