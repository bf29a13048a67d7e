import * as entry from 'marksman';
import { journey } from '../journey';
import { expose, type Smoke } from './smoke';

export async function smoke(): Promise<Smoke> {
  return { exports: Object.keys(entry).sort(), result: journey(), browser: null };
}
expose(smoke);
