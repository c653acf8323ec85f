/** A `User` entity reference: this subgraph only knows the id. */
export interface UserRef {
  readonly id: string;
}
