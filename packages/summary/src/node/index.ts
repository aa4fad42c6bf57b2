export { createFileWriter, type FileWriterOptions } from './create-file-writer.js';
export { FileEventSink } from './file-event-sink.js';
export { listEventFiles, type ReadEventsOptions, readEvents } from './read-events.js';
