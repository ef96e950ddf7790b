/** The app's screens and the hand-over between them (e.g. Datasets → Verify with a receipt). */
export type ScreenName = 'datasets' | 'notarize' | 'coauthors' | 'verify' | 'retrieve' | 'consent' | 'settings';

export interface ScreenParams {
  /** A receipt file to preselect (Verify, Retrieve). */
  receipt?: string;
}

export type Navigate = (screen: ScreenName, params?: ScreenParams) => void;
