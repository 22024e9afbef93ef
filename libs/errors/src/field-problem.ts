/** What is wrong with one part of a request. */
export interface FieldProblem {
  /** Where in the request, e.g. `items[0].quantity` or `header Idempotency-Key`. */
  field: string;
  message: string;
}
