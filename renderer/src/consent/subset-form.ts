/** Which subset format a dataset file calls for, from its name (the core checks the content). */
export function subsetFormatOf(file: string): 'csv' | 'vcf' | null {
  const name = file.toLowerCase();
  if (/\.(csv|tsv)$/.test(name)) return 'csv';
  if (/\.vcf(\.b?gz)?$/.test(name)) return 'vcf';
  return null;
}
