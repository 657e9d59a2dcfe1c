// Python's names for JavaScript values, so TypeErrors read as CPython's do
// ("a bytes-like object is required, not 'str'").

export function pyTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  switch (typeof v) {
    case 'string':
      return 'str';
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(v) ? 'int' : 'float';
    case 'bigint':
      return 'int';
    case 'function':
      return 'function';
    default:
      return (v as object).constructor?.name ?? 'object';
  }
}
