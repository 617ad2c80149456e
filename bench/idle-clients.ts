// Child process for the idle-connection benchmark: opens every socket listed in
// the JSON file given as argument (hello frames), reports "open N", then idles
// until killed. Kept apart so the server's memory is measured alone.
import fs from 'node:fs';
import { openIdle } from './load.js';

const { wsUrl, hellos } = JSON.parse(fs.readFileSync(process.argv[2], 'utf8')) as { wsUrl: string; hellos: object[] };
const sockets = await openIdle(wsUrl, hellos);
process.stdout.write(`open ${sockets.length}\n`);
setInterval(() => {}, 1 << 30);
