/** Who the fake workspace and its bot are; ids follow Slack's prefixes (T, A, B, U). */
export interface WorkspaceIdentity {
  teamId: string;
  teamDomain: string;
  appId: string;
  botId: string;
  botUserId: string;
  botName: string;
}

export const DEFAULT_IDENTITY: WorkspaceIdentity = {
  teamId: 'T0FAKE',
  teamDomain: 'fake-workspace',
  appId: 'A0FAKEAPP',
  botId: 'B0FAKEBOT',
  botUserId: 'U0FAKEBOT',
  botName: 'smartspec-rollback',
};
