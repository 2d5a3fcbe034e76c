// Public surface of the wire protocol: codes, catalog, frame codec, SLIP, CRC.
export * from './codes.js';
export * from './catalog.js';
export * from './frame.js';
export * from './slip.js';
export * from './crc16.js';
