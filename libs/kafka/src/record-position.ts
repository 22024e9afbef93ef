/** Where a record sits in Kafka. The offset is a string, as kafkajs gives it: offsets may outgrow a number. */
export interface RecordPosition {
  topic: string;
  partition: number;
  offset: string;
}
