/**
 * Builds a folder of real research data nobody here wrote, for the demo and the
 * integration tests: public CSV/JSON datasets from the npm package `vega-datasets`
 * (per-file licences in its datapackage.json), DICOM test files from Debian
 * `python3-pydicom`, and SAM/BAM/VCF/FASTA test files from Debian `htslib-test`.
 * Debian sources that are not installed are skipped (and reported).
 */
import { cp, mkdir, readdir, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export interface RealDatasetInfo {
  folder: string;
  files: number;
  bytes: number;
  sources: string[];
  skipped: string[];
}

const PYDICOM = '/usr/lib/python3/dist-packages/pydicom/data';
const HTSLIB = '/usr/share/htslib-test/test';
const RESEARCH_EXT = /\.(dcm|vcf|vcf\.gz|bcf|sam|bam|cram|fa|fai|fq)$/i;

async function walk(dir: string, filter: (p: string) => boolean, limit: number): Promise<string[]> {
  const out: string[] = [];
  const stack = [dir];
  while (stack.length > 0 && out.length < limit) {
    const d = stack.pop() as string;
    for (const e of (await readdir(d, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.isFile() && filter(p) && out.length < limit) out.push(p);
    }
  }
  return out;
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(() => true, () => false);
}

/**
 * Copies the real files into `folder/vega`, `folder/dicom`, `folder/htslib`.
 * @param opts.maxPerSource caps the file count per source (default: vega 40, dicom 40, htslib 60).
 */
export async function buildRealDataset(folder: string, opts: { small?: boolean } = {}): Promise<RealDatasetInfo> {
  // vega-datasets' `exports` hides its files from resolution: locate the installed package.
  const vegaDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../node_modules/vega-datasets/data');
  const info: RealDatasetInfo = { folder, files: 0, bytes: 0, sources: [], skipped: [] };
  const copy = async (files: string[], base: string, sub: string): Promise<void> => {
    for (const f of files) {
      const dest = path.join(folder, sub, path.relative(base, f));
      await mkdir(path.dirname(dest), { recursive: true });
      await cp(f, dest);
      info.files += 1;
      info.bytes += (await stat(f)).size;
    }
  };
  const small = opts.small === true;
  const vega = await walk(vegaDir, (p) => /\.(csv|json|tsv)$/.test(p) && !/flights-(200k|3m|20k)/.test(p), small ? 8 : 40);
  await copy(vega, vegaDir, 'vega');
  info.sources.push('npm vega-datasets');
  if (await exists(PYDICOM)) {
    await copy(await walk(PYDICOM, (p) => p.endsWith('.dcm'), small ? 6 : 40), PYDICOM, 'dicom');
    info.sources.push('Debian python3-pydicom');
  } else info.skipped.push('Debian python3-pydicom (not installed)');
  if (await exists(HTSLIB)) {
    await copy(await walk(HTSLIB, (p) => RESEARCH_EXT.test(p), small ? 8 : 60), HTSLIB, 'htslib');
    info.sources.push('Debian htslib-test');
  } else info.skipped.push('Debian htslib-test (not installed)');
  return info;
}
