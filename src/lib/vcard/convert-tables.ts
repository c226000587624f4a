/** The data behind the 3.0 ⇄ 4.0 rules (`convert-rules.ts`). */

/** Apple's label of an X-ABDATE that is an anniversary. */
export const ANNIVERSARY_LABEL = '_$!<Anniversary>!$_';
// 3.0 instant-messaging properties (Android, Evolution, old Apple) and their IMPP URI schemes.
export const IM_SCHEMES: Record<string, string> = {
  'x-aim': 'aim',
  'x-icq': 'icq',
  'x-jabber': 'xmpp',
  'x-google-talk': 'xmpp',
  'x-gtalk': 'xmpp',
  'x-msn': 'msnim',
  'x-yahoo': 'ymsgr',
  'x-skype': 'skype',
  'x-skype-username': 'skype',
  'x-qq': 'qq',
  'x-gadugadu': 'gg',
};
// Apple's X-SERVICE-TYPE, which iOS shows as the service's name.
export const SERVICE_TYPES: Record<string, string> = {
  aim: 'AIM',
  icq: 'ICQ',
  xmpp: 'Jabber',
  msnim: 'MSN',
  ymsgr: 'Yahoo',
  skype: 'Skype',
  qq: 'QQ',
  gg: 'GaduGadu',
};
/** The scheme of a URI, lower-cased; '' when there is none. */
export const schemeOf = (uri: unknown): string =>
  /^([a-z][a-z0-9+.-]*):/i.exec(String(uri ?? ''))?.[1]?.toLowerCase() ?? '';
// vCard 4.0's GENDER sex letters and the words 3.0 programs write in X-GENDER.
export const GENDER_WORDS: Record<string, string> = {
  m: 'Male',
  f: 'Female',
  o: 'Other',
  n: 'None',
  u: 'Unknown',
};
