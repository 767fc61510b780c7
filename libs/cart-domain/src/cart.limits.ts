// Limits keep every amount an exact JavaScript integer: 100 lines x 1000 units x 100_000_000
// minor units = 1e13, far below Number.MAX_SAFE_INTEGER (~9e15), so totals never lose precision.
export const MAX_LINE_QUANTITY = 1000;
export const MAX_LINES = 100;
export const MAX_UNIT_PRICE = 100_000_000;
