import type { EvaluationEnvironment } from './evaluate-expression.js';
import type { SetContext } from './set-analysis.js';

/** What chart expressions are evaluated against: the model, the object's state, variables. */
export interface ChartContext extends SetContext {
  readonly env: EvaluationEnvironment;
}
