// A plain johnny-five + firmata-io program (CommonJS, as a bench user writes it) that drives the bench fixtures on a serial path.
// Commands on stdin, one per line; answers and button events as JSON lines on stdout.
'use strict';
const readline = require('node:readline');
const { SerialPort } = require('serialport');
const { Firmata } = require('firmata-io');
const five = require('johnny-five');

const path = process.argv[2];
const say = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);
const port = new SerialPort({ path, baudRate: 57600, autoOpen: false });
const io = new Firmata(port);
const board = new five.Board({ io, repl: false, debug: false, sigint: false });
board.on('error', (error) => say({ error: error.message }));
port.open((error) => (error ? say({ error: error.message }) : say({ opened: path })));

board.on('ready', () => {
  const arm = new five.Servo({ pin: 9, pwmRange: [500, 2500], startAt: 90 });
  const gauge = new five.Sensor({ pin: 'A0', freq: 20 });
  io.pinMode(7, io.MODES.OUTPUT);
  const relay = new five.Relay({ pin: 7, type: 'NO' });
  const estop = new five.Button({ pin: 2, isPullup: true });
  const led = new five.Led(13);
  estop.on('press', () => say({ event: 'estop-press' }));
  estop.on('release', () => say({ event: 'estop-release' }));
  say({ ready: true, firmware: io.firmware.name, version: io.firmware.version });
  const commands = {
    press: () => void arm.to(140),
    lift: () => void arm.to(90),
    'power-on': () => void relay.close(),
    'power-off': () => void relay.open(),
    'led-on': () => void led.on(),
    'led-off': () => void led.off(),
    gauge: () => ({ counts: gauge.raw }),
    quit: () => {
      port.close(() => process.exit(0));
    },
  };
  readline.createInterface({ input: process.stdin }).on('line', (line) => {
    const command = commands[line.trim()];
    say(command === undefined ? { error: `unknown command ${line}` } : { done: line.trim(), ...(command() ?? {}) });
  });
});
