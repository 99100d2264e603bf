import { StoredDoc, collectionOf, docRef } from '@pos/persistence';
import { Schema } from 'mongoose';

/** Per retailer (_id), up to when Xero has been asked for changed contacts. */
export interface PollStateDoc extends StoredDoc {
  since: Date;
}

export const POLL_STATES = 'xero_change_polls';
export const PollStateSchema = new Schema<PollStateDoc>(
  { _id: { type: String, required: true }, rev: { type: Number, required: true }, since: { type: Date, required: true } },
  { collection: POLL_STATES, timestamps: true, versionKey: false },
);
export const PollStates = collectionOf<PollStateDoc>(POLL_STATES);
export const pollStateRef = (retailerId: string) => docRef(PollStates, retailerId);
