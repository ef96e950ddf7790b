/**
 * The "purpose of use" form's state and its mapping to the contract's use request
 * (shared/consent/use-request.ts, validated by the core): empty fields are left out,
 * diseases go with the DS purpose only.
 */
import type { UseRequestInput } from '../../../shared/api/index.ts';
import type { SensitiveTopic, UsePurpose } from '../../../shared/consent/use-request.ts';

export interface UseRequestForm {
  purpose: UsePurpose;
  /** Disease CURIEs as typed, separated by spaces, commas, semicolons or `|`. */
  diseases: string;
  methods: boolean;
  commercial: boolean;
  forProfit: boolean;
  genetic: boolean;
  user: string;
  institution: string;
  project: string;
  region: string;
  /** YYYY-MM-DD, or '' for today. */
  date: string;
  irbApproval: boolean;
  willPublish: boolean;
  collaboration: boolean;
  willReturnData: boolean;
  sensitive: SensitiveTopic[];
}

export const EMPTY_USE_REQUEST: UseRequestForm = {
  purpose: 'HMB',
  diseases: '',
  methods: false,
  commercial: false,
  forProfit: false,
  genetic: false,
  user: '',
  institution: '',
  project: '',
  region: '',
  date: '',
  irbApproval: false,
  willPublish: false,
  collaboration: false,
  willReturnData: false,
  sensitive: [],
};

export function splitDiseaseList(text: string): string[] {
  return text.split(/[|,;\s]+/).filter((t) => t !== '');
}

/** The contract's use request for the form; `withDate` false for gates, which always use today. */
export function toUseRequest(f: UseRequestForm, withDate = true): UseRequestInput {
  const text = (k: 'user' | 'institution' | 'project' | 'region'): Partial<Record<typeof k, string>> => (f[k].trim() === '' ? {} : { [k]: f[k].trim() });
  return {
    purpose: f.purpose,
    ...(f.purpose === 'DS' ? { diseases: splitDiseaseList(f.diseases) } : {}),
    methods: f.methods,
    commercial: f.commercial,
    forProfit: f.forProfit,
    genetic: f.genetic,
    ...text('user'),
    ...text('institution'),
    ...text('project'),
    ...text('region'),
    ...(withDate && f.date !== '' ? { date: f.date } : {}),
    attestations: { irbApproval: f.irbApproval, willPublish: f.willPublish, collaboration: f.collaboration, willReturnData: f.willReturnData },
    sensitive: f.sensitive,
  };
}

/** One line naming the purpose, e.g. "DS (DOID:162), commercial". */
export function describeUseRequest(f: UseRequestForm): string {
  const parts = [f.purpose === 'DS' ? `DS (${splitDiseaseList(f.diseases).join(', ') || 'no disease given'})` : f.purpose];
  if (f.methods) parts.push('methods development');
  if (f.commercial) parts.push('commercial');
  if (f.forProfit) parts.push('for-profit requester');
  if (f.genetic) parts.push('genetic study');
  return parts.join(', ');
}
