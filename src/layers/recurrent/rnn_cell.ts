/**
 * `tf.layers.RNNCell` (TF.js's base class for cells, exported for subclassing) and StackedRNNCells
 * (`tf.layers.stackedRNNCells({cells})`, also what `rnn({cell: [c1, c2]})` builds). A cell is a layer
 * whose `call([x_t, ...states])` returns `[output, ...newStates]` and whose `stateSize` says how many
 * states it carries and their sizes; the RNN layer drives any such cell over time.
 */
import type { Tensor } from '../../tensor.js';
import { Layer, type Kwargs, type LayerArgs, type LayerWeight, type Shape } from '../layer.js';
import { layerFromConfig } from '../serialization.js';

/**
 * Base class of recurrent cells (`simpleRNNCell`, `lstmCell`, `gruCell`): one time step, for `tf.layers.rnn`.
 */
export abstract class RNNCell extends Layer {
  /** The size of each state (a number when the cell has one state), as TF.js cells declare it. */
  abstract stateSize: number | number[];
  /** The dropout mask of the current call on the inputs (null without dropout). */
  dropoutMask: Tensor | Tensor[] | null = null;
  /** The dropout mask of the current call on the recurrent state (null without recurrent dropout). */
  recurrentDropoutMask: Tensor | Tensor[] | null = null;
}

/** A cell's state sizes as a list. */
export function stateSizes(cell: { stateSize: number | number[] }): number[] {
  const s = cell.stateSize;
  const list = Array.isArray(s) ? s : [s];
  if (list.length === 0 || list.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new Error(`RNN: a cell's stateSize must be a positive integer or a list of them, got ${JSON.stringify(s)}`);
  }
  return list;
}

export interface StackedRNNCellsArgs extends LayerArgs {
  cells: Layer[];
}

/** Cells applied one after another at each time step; the states list is the cells' states, last cell first (TF.js order). */
export class StackedRNNCells extends RNNCell {
  /** The class name stacked cells are saved under. */
  static override className = 'StackedRNNCells';
  /** The stacked cells, first to last. */
  readonly cells: (Layer & { stateSize: number | number[] })[];

  constructor(args: StackedRNNCellsArgs) {
    super(args);
    if (!args || !Array.isArray(args.cells) || args.cells.length === 0) throw new Error('stackedRNNCells: `cells` must be a non-empty list of RNN cells');
    args.cells.forEach((c, i) => {
      if (!(c instanceof Layer) || (c as { stateSize?: unknown }).stateSize == null) {
        throw new Error(`stackedRNNCells: cell ${i} is not an RNN cell (a layer with a stateSize)`);
      }
    });
    this.cells = args.cells as (Layer & { stateSize: number | number[] })[];
  }

  /** The state sizes of all cells, in order. */
  get stateSize(): number[] {
    return this.cells.slice().reverse().flatMap((c) => stateSizes(c));
  }

  /** Each cell builds for the previous cell's output; weights are named `${prefix}/${cell.name}/...`. */
  override build(inputShape: Shape | Shape[]): void {
    let shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const prefix = this.name;
    for (const cell of this.cells) {
      const own = cell.name;
      cell.name = `${prefix}/${own}`;
      try {
        cell.maybeBuild(shape);
      } finally {
        cell.name = own;
      }
      shape = [shape[0], stateSizes(cell)[0]];
    }
    this.built = true;
  }

  /** The weights of all cells. */
  override weightEntries(): LayerWeight[] {
    return this.cells.flatMap((c) => c.weightEntries());
  }

  /** Runs one time step through every cell in turn. */
  call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    let x = list[0];
    const flat = list.slice(1);
    // states arrive last cell first: split them back per cell
    const perCell: Tensor[][] = [];
    let at = 0;
    for (const cell of this.cells.slice().reverse()) {
      const n = stateSizes(cell).length;
      perCell.unshift(flat.slice(at, at + n));
      at += n;
    }
    const newPerCell: Tensor[][] = [];
    this.cells.forEach((cell, i) => {
      const out = cell.call([x, ...perCell[i]], kwargs) as Tensor[];
      x = out[0];
      newPerCell.push(out.slice(1));
    });
    return [x, ...newPerCell.reverse().flat()];
  }

  /** The config saved in model.json (each cell serialized). */
  override getConfig(): Record<string, unknown> {
    const cells = this.cells.map((c) => ({ className: c.getClassName(), config: c.getConfig() }));
    return { ...super.getConfig(), cells };
  }

  /** Rebuilds stacked cells from a saved config. */
  static fromConfig(config: Record<string, unknown>): StackedRNNCells {
    const specs = (config.cells ?? []) as { className: string; config: Record<string, unknown> }[];
    return new StackedRNNCells({ ...config, cells: specs.map((s) => layerFromConfig(s.className, s.config)) } as StackedRNNCellsArgs);
  }
}

/**
 * Wraps a list of RNN cells so they run as one cell, each feeding the next.
 * @example
 * ```js
 * const cell = tf.layers.stackedRNNCells({ cells: [tf.layers.gruCell({ units: 4 }), tf.layers.gruCell({ units: 2 })] });
 * tf.layers.rnn({ cell }).apply(tf.ones([1, 5, 3])).shape; // [1, 2]
 * ```
 */
export const stackedRNNCells = (args: StackedRNNCellsArgs) => new StackedRNNCells(args);
