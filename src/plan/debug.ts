/** The `tf.debug` namespace: inspection helpers (the recorded plan). */
export { debugPlan as plan, type PlanSummary } from './print.js';
