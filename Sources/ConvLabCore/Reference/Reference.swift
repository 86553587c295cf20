/// The reference path: naive, readable loops in the order of each op's formula, generic over the
/// scalar so that gradient checks can run in `Double`. One op per file, forward and backward.
///
/// Nothing here imports or calls the fast path; `Fast` is tested against `Reference`.
public enum Reference {}
