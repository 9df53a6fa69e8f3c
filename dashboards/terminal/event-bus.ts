/** Hands runner events to the view; events pushed before the view subscribes are kept, not lost. */
import type { ViewAction } from './state.ts';

export type ActionListener = (action: ViewAction) => void;

export interface ActionSource {
  subscribe(listener: ActionListener): () => void;
}

export interface ActionBus extends ActionSource {
  push(action: ViewAction): void;
}

export function createActionBus(): ActionBus {
  const listeners = new Set<ActionListener>();
  let pending: ViewAction[] = [];
  return {
    push(action) {
      if (listeners.size === 0) pending.push(action);
      for (const listener of listeners) listener(action);
    },
    subscribe(listener) {
      listeners.add(listener);
      const backlog = pending;
      pending = [];
      for (const action of backlog) listener(action);
      return () => listeners.delete(listener);
    },
  };
}
