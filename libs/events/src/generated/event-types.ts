// Generated from schemas/ by `npm run schemas:types`. Do not edit: change the .avsc and regenerate.
/* eslint-disable @typescript-eslint/no-namespace */
export namespace IoEnsembleEvents {
    export const EventEnvelopeSchema = "{\"type\":\"record\",\"name\":\"EventEnvelope\",\"namespace\":\"io.ensemble.events\",\"doc\":\"What every event carries besides its own facts: its identity, its place in a conversation between services, and who wrote it.\",\"fields\":[{\"name\":\"eventId\",\"type\":{\"type\":\"string\",\"logicalType\":\"uuid\"},\"doc\":\"Unique per event; consumers deduplicate on it.\"},{\"name\":\"eventType\",\"type\":\"string\",\"doc\":\"The event's record name, e.g. PaymentCompleted.\"},{\"name\":\"occurredAt\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"},\"doc\":\"When the fact happened, in milliseconds since the epoch (UTC).\"},{\"name\":\"aggregateId\",\"type\":\"string\",\"doc\":\"The entity the event is about; also the Kafka record key, so that its events stay in order.\"},{\"name\":\"correlationId\",\"type\":\"string\",\"doc\":\"Shared by every event that one request set off, across services.\"},{\"name\":\"causationId\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"The event (or request) that directly caused this one.\"},{\"name\":\"producer\",\"type\":\"string\",\"doc\":\"The service that wrote the event.\"}]}";
    export const EventEnvelopeName = "io.ensemble.events.EventEnvelope";
    /**
     * What every event carries besides its own facts: its identity, its place in a conversation between services, and who wrote it.
     */
    export interface EventEnvelope {
        /**
         * Unique per event; consumers deduplicate on it.
         */
        eventId: string;
        /**
         * The event's record name, e.g. PaymentCompleted.
         */
        eventType: string;
        /**
         * When the fact happened, in milliseconds since the epoch (UTC).
         */
        occurredAt: number;
        /**
         * The entity the event is about; also the Kafka record key, so that its events stay in order.
         */
        aggregateId: string;
        /**
         * Shared by every event that one request set off, across services.
         */
        correlationId: string;
        /**
         * The event (or request) that directly caused this one.
         *
         * Default: null
         */
        causationId: null | string;
        /**
         * The service that wrote the event.
         */
        producer: string;
    }
}

export namespace IoEnsembleInvoice {
    export const InvoiceLineSchema = "{\"type\":\"record\",\"name\":\"InvoiceLine\",\"fields\":[{\"name\":\"sku\",\"type\":\"string\"},{\"name\":\"quantity\",\"type\":\"int\"},{\"name\":\"unitPriceMinor\",\"type\":\"long\"},{\"name\":\"lineTotalMinor\",\"type\":\"long\"}]}";
    export const InvoiceLineName = "io.ensemble.invoice.InvoiceLine";
    export interface InvoiceLine {
        sku: string;
        quantity: number;
        unitPriceMinor: number;
        lineTotalMinor: number;
    }
    export const InvoiceIssuedSchema = "{\"type\":\"record\",\"name\":\"InvoiceIssued\",\"namespace\":\"io.ensemble.invoice\",\"doc\":\"An invoice was issued for a completed payment.\",\"fields\":[{\"name\":\"envelope\",\"type\":{\"type\":\"record\",\"name\":\"EventEnvelope\",\"namespace\":\"io.ensemble.events\",\"doc\":\"What every event carries besides its own facts: its identity, its place in a conversation between services, and who wrote it.\",\"fields\":[{\"name\":\"eventId\",\"type\":{\"type\":\"string\",\"logicalType\":\"uuid\"},\"doc\":\"Unique per event; consumers deduplicate on it.\"},{\"name\":\"eventType\",\"type\":\"string\",\"doc\":\"The event's record name, e.g. PaymentCompleted.\"},{\"name\":\"occurredAt\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"},\"doc\":\"When the fact happened, in milliseconds since the epoch (UTC).\"},{\"name\":\"aggregateId\",\"type\":\"string\",\"doc\":\"The entity the event is about; also the Kafka record key, so that its events stay in order.\"},{\"name\":\"correlationId\",\"type\":\"string\",\"doc\":\"Shared by every event that one request set off, across services.\"},{\"name\":\"causationId\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"The event (or request) that directly caused this one.\"},{\"name\":\"producer\",\"type\":\"string\",\"doc\":\"The service that wrote the event.\"}]}},{\"name\":\"invoiceId\",\"type\":{\"type\":\"string\",\"logicalType\":\"uuid\"}},{\"name\":\"invoiceNumber\",\"type\":\"string\",\"doc\":\"Gap-free within a year, e.g. 2026-000042.\"},{\"name\":\"paymentId\",\"type\":{\"type\":\"string\",\"logicalType\":\"uuid\"}},{\"name\":\"customerId\",\"type\":\"string\"},{\"name\":\"customerEmail\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"Where the customer is notified: the payment's customerEmail. Null in records written before notifications existed.\"},{\"name\":\"lines\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"InvoiceLine\",\"fields\":[{\"name\":\"sku\",\"type\":\"string\"},{\"name\":\"quantity\",\"type\":\"int\"},{\"name\":\"unitPriceMinor\",\"type\":\"long\"},{\"name\":\"lineTotalMinor\",\"type\":\"long\"}]}}},{\"name\":\"totalMinor\",\"type\":\"long\"},{\"name\":\"currency\",\"type\":\"string\"},{\"name\":\"issuedAt\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}}]}";
    export const InvoiceIssuedName = "io.ensemble.invoice.InvoiceIssued";
    /**
     * An invoice was issued for a completed payment.
     */
    export interface InvoiceIssued {
        envelope: IoEnsembleEvents.EventEnvelope;
        invoiceId: string;
        /**
         * Gap-free within a year, e.g. 2026-000042.
         */
        invoiceNumber: string;
        paymentId: string;
        customerId: string;
        /**
         * Where the customer is notified: the payment's customerEmail. Null in records written before notifications existed.
         *
         * Default: null
         */
        customerEmail: null | string;
        lines: IoEnsembleInvoice.InvoiceLine[];
        totalMinor: number;
        currency: string;
        issuedAt: number;
    }
}

export namespace IoEnsembleNotifications {
    export const EmailKindSchema = "{\"type\":\"enum\",\"name\":\"EmailKind\",\"symbols\":[\"invoice\",\"shipment\"]}";
    export const EmailKindName = "io.ensemble.notifications.EmailKind";
    export type EmailKind = "invoice" | "shipment";
    export const EmailSentSchema = "{\"type\":\"record\",\"name\":\"EmailSent\",\"namespace\":\"io.ensemble.notifications\",\"doc\":\"An email to a customer was accepted by the mail server. A rebuild of the notifications service restores its sent emails from these, and sends nothing.\",\"fields\":[{\"name\":\"envelope\",\"type\":{\"type\":\"record\",\"name\":\"EventEnvelope\",\"namespace\":\"io.ensemble.events\",\"doc\":\"What every event carries besides its own facts: its identity, its place in a conversation between services, and who wrote it.\",\"fields\":[{\"name\":\"eventId\",\"type\":{\"type\":\"string\",\"logicalType\":\"uuid\"},\"doc\":\"Unique per event; consumers deduplicate on it.\"},{\"name\":\"eventType\",\"type\":\"string\",\"doc\":\"The event's record name, e.g. PaymentCompleted.\"},{\"name\":\"occurredAt\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"},\"doc\":\"When the fact happened, in milliseconds since the epoch (UTC).\"},{\"name\":\"aggregateId\",\"type\":\"string\",\"doc\":\"The entity the event is about; also the Kafka record key, so that its events stay in order.\"},{\"name\":\"correlationId\",\"type\":\"string\",\"doc\":\"Shared by every event that one request set off, across services.\"},{\"name\":\"causationId\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"The event (or request) that directly caused this one.\"},{\"name\":\"producer\",\"type\":\"string\",\"doc\":\"The service that wrote the event.\"}]}},{\"name\":\"emailId\",\"type\":{\"type\":\"string\",\"logicalType\":\"uuid\"}},{\"name\":\"messageId\",\"type\":\"string\",\"doc\":\"The email's Message-ID header, derived from the event that caused it: a second delivery of the same email carries the same one.\"},{\"name\":\"kind\",\"type\":{\"type\":\"enum\",\"name\":\"EmailKind\",\"symbols\":[\"invoice\",\"shipment\"]}},{\"name\":\"paymentId\",\"type\":{\"type\":\"string\",\"logicalType\":\"uuid\"}},{\"name\":\"recipient\",\"type\":\"string\"},{\"name\":\"subject\",\"type\":\"string\"},{\"name\":\"queuedAt\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"},\"doc\":\"When the event that caused it was handled and the email's job written.\"},{\"name\":\"sentAt\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"},\"doc\":\"When the mail server accepted it.\"},{\"name\":\"attempts\",\"type\":\"int\",\"doc\":\"Attempts it took, this one included.\"}]}";
    export const EmailSentName = "io.ensemble.notifications.EmailSent";
    /**
     * An email to a customer was accepted by the mail server. A rebuild of the notifications service restores its sent emails from these, and sends nothing.
     */
    export interface EmailSent {
        envelope: IoEnsembleEvents.EventEnvelope;
        emailId: string;
        /**
         * The email's Message-ID header, derived from the event that caused it: a second delivery of the same email carries the same one.
         */
        messageId: string;
        kind: IoEnsembleNotifications.EmailKind;
        paymentId: string;
        recipient: string;
        subject: string;
        /**
         * When the event that caused it was handled and the email's job written.
         */
        queuedAt: number;
        /**
         * When the mail server accepted it.
         */
        sentAt: number;
        /**
         * Attempts it took, this one included.
         */
        attempts: number;
    }
}

export namespace IoEnsemblePayments {
    export const PaymentLineSchema = "{\"type\":\"record\",\"name\":\"PaymentLine\",\"fields\":[{\"name\":\"sku\",\"type\":\"string\"},{\"name\":\"quantity\",\"type\":\"int\"},{\"name\":\"unitPriceMinor\",\"type\":\"long\"}]}";
    export const PaymentLineName = "io.ensemble.payments.PaymentLine";
    export interface PaymentLine {
        sku: string;
        quantity: number;
        unitPriceMinor: number;
    }
    export const ShippingAddressSchema = "{\"type\":\"record\",\"name\":\"ShippingAddress\",\"fields\":[{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"line1\",\"type\":\"string\"},{\"name\":\"city\",\"type\":\"string\"},{\"name\":\"postalCode\",\"type\":\"string\"},{\"name\":\"country\",\"type\":\"string\",\"doc\":\"ISO 3166-1 alpha-2 code.\"}]}";
    export const ShippingAddressName = "io.ensemble.payments.ShippingAddress";
    export interface ShippingAddress {
        name: string;
        line1: string;
        city: string;
        postalCode: string;
        /**
         * ISO 3166-1 alpha-2 code.
         */
        country: string;
    }
    export const PaymentCompletedSchema = "{\"type\":\"record\",\"name\":\"PaymentCompleted\",\"namespace\":\"io.ensemble.payments\",\"doc\":\"A customer's payment was taken. Invoice, CRM, shipping and dashboards react to it.\",\"fields\":[{\"name\":\"envelope\",\"type\":{\"type\":\"record\",\"name\":\"EventEnvelope\",\"namespace\":\"io.ensemble.events\",\"doc\":\"What every event carries besides its own facts: its identity, its place in a conversation between services, and who wrote it.\",\"fields\":[{\"name\":\"eventId\",\"type\":{\"type\":\"string\",\"logicalType\":\"uuid\"},\"doc\":\"Unique per event; consumers deduplicate on it.\"},{\"name\":\"eventType\",\"type\":\"string\",\"doc\":\"The event's record name, e.g. PaymentCompleted.\"},{\"name\":\"occurredAt\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"},\"doc\":\"When the fact happened, in milliseconds since the epoch (UTC).\"},{\"name\":\"aggregateId\",\"type\":\"string\",\"doc\":\"The entity the event is about; also the Kafka record key, so that its events stay in order.\"},{\"name\":\"correlationId\",\"type\":\"string\",\"doc\":\"Shared by every event that one request set off, across services.\"},{\"name\":\"causationId\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"The event (or request) that directly caused this one.\"},{\"name\":\"producer\",\"type\":\"string\",\"doc\":\"The service that wrote the event.\"}]}},{\"name\":\"paymentId\",\"type\":{\"type\":\"string\",\"logicalType\":\"uuid\"}},{\"name\":\"customerId\",\"type\":\"string\"},{\"name\":\"customerEmail\",\"type\":\"string\"},{\"name\":\"amountMinor\",\"type\":\"long\",\"doc\":\"Total in the currency's minor unit (cents for EUR); equals the sum of the lines.\"},{\"name\":\"currency\",\"type\":\"string\",\"doc\":\"ISO 4217 code, e.g. EUR.\"},{\"name\":\"items\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"PaymentLine\",\"fields\":[{\"name\":\"sku\",\"type\":\"string\"},{\"name\":\"quantity\",\"type\":\"int\"},{\"name\":\"unitPriceMinor\",\"type\":\"long\"}]}}},{\"name\":\"shippingAddress\",\"type\":{\"type\":\"record\",\"name\":\"ShippingAddress\",\"fields\":[{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"line1\",\"type\":\"string\"},{\"name\":\"city\",\"type\":\"string\"},{\"name\":\"postalCode\",\"type\":\"string\"},{\"name\":\"country\",\"type\":\"string\",\"doc\":\"ISO 3166-1 alpha-2 code.\"}]}},{\"name\":\"completedAt\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}}]}";
    export const PaymentCompletedName = "io.ensemble.payments.PaymentCompleted";
    /**
     * A customer's payment was taken. Invoice, CRM, shipping and dashboards react to it.
     */
    export interface PaymentCompleted {
        envelope: IoEnsembleEvents.EventEnvelope;
        paymentId: string;
        customerId: string;
        customerEmail: string;
        /**
         * Total in the currency's minor unit (cents for EUR); equals the sum of the lines.
         */
        amountMinor: number;
        /**
         * ISO 4217 code, e.g. EUR.
         */
        currency: string;
        items: IoEnsemblePayments.PaymentLine[];
        shippingAddress: IoEnsemblePayments.ShippingAddress;
        completedAt: number;
    }
}

export namespace IoEnsembleShipping {
    export const ShipmentItemSchema = "{\"type\":\"record\",\"name\":\"ShipmentItem\",\"fields\":[{\"name\":\"sku\",\"type\":\"string\"},{\"name\":\"quantity\",\"type\":\"int\"}]}";
    export const ShipmentItemName = "io.ensemble.shipping.ShipmentItem";
    export interface ShipmentItem {
        sku: string;
        quantity: number;
    }
    export const ShipmentAddressSchema = "{\"type\":\"record\",\"name\":\"ShipmentAddress\",\"fields\":[{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"line1\",\"type\":\"string\"},{\"name\":\"city\",\"type\":\"string\"},{\"name\":\"postalCode\",\"type\":\"string\"},{\"name\":\"country\",\"type\":\"string\"}]}";
    export const ShipmentAddressName = "io.ensemble.shipping.ShipmentAddress";
    export interface ShipmentAddress {
        name: string;
        line1: string;
        city: string;
        postalCode: string;
        country: string;
    }
    export const ShipmentScheduledSchema = "{\"type\":\"record\",\"name\":\"ShipmentScheduled\",\"namespace\":\"io.ensemble.shipping\",\"doc\":\"A shipment was scheduled for the items of a completed payment.\",\"fields\":[{\"name\":\"envelope\",\"type\":{\"type\":\"record\",\"name\":\"EventEnvelope\",\"namespace\":\"io.ensemble.events\",\"doc\":\"What every event carries besides its own facts: its identity, its place in a conversation between services, and who wrote it.\",\"fields\":[{\"name\":\"eventId\",\"type\":{\"type\":\"string\",\"logicalType\":\"uuid\"},\"doc\":\"Unique per event; consumers deduplicate on it.\"},{\"name\":\"eventType\",\"type\":\"string\",\"doc\":\"The event's record name, e.g. PaymentCompleted.\"},{\"name\":\"occurredAt\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"},\"doc\":\"When the fact happened, in milliseconds since the epoch (UTC).\"},{\"name\":\"aggregateId\",\"type\":\"string\",\"doc\":\"The entity the event is about; also the Kafka record key, so that its events stay in order.\"},{\"name\":\"correlationId\",\"type\":\"string\",\"doc\":\"Shared by every event that one request set off, across services.\"},{\"name\":\"causationId\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"The event (or request) that directly caused this one.\"},{\"name\":\"producer\",\"type\":\"string\",\"doc\":\"The service that wrote the event.\"}]}},{\"name\":\"shipmentId\",\"type\":{\"type\":\"string\",\"logicalType\":\"uuid\"}},{\"name\":\"paymentId\",\"type\":{\"type\":\"string\",\"logicalType\":\"uuid\"}},{\"name\":\"items\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"ShipmentItem\",\"fields\":[{\"name\":\"sku\",\"type\":\"string\"},{\"name\":\"quantity\",\"type\":\"int\"}]}}},{\"name\":\"address\",\"type\":{\"type\":\"record\",\"name\":\"ShipmentAddress\",\"fields\":[{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"line1\",\"type\":\"string\"},{\"name\":\"city\",\"type\":\"string\"},{\"name\":\"postalCode\",\"type\":\"string\"},{\"name\":\"country\",\"type\":\"string\"}]}},{\"name\":\"scheduledFor\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"},\"doc\":\"When the parcel is due to leave the warehouse.\"},{\"name\":\"customerEmail\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"Where the customer is notified: the payment's customerEmail. Null in records written before notifications existed.\"}]}";
    export const ShipmentScheduledName = "io.ensemble.shipping.ShipmentScheduled";
    /**
     * A shipment was scheduled for the items of a completed payment.
     */
    export interface ShipmentScheduled {
        envelope: IoEnsembleEvents.EventEnvelope;
        shipmentId: string;
        paymentId: string;
        items: IoEnsembleShipping.ShipmentItem[];
        address: IoEnsembleShipping.ShipmentAddress;
        /**
         * When the parcel is due to leave the warehouse.
         */
        scheduledFor: number;
        /**
         * Where the customer is notified: the payment's customerEmail. Null in records written before notifications existed.
         *
         * Default: null
         */
        customerEmail: null | string;
    }
}

export type InvoiceIssued = IoEnsembleInvoice.InvoiceIssued;
export type EmailSent = IoEnsembleNotifications.EmailSent;
export type PaymentCompleted = IoEnsemblePayments.PaymentCompleted;
export type ShipmentScheduled = IoEnsembleShipping.ShipmentScheduled;

/** Every event type by its name. */
export interface EventTypes {
  InvoiceIssued: InvoiceIssued;
  EmailSent: EmailSent;
  PaymentCompleted: PaymentCompleted;
  ShipmentScheduled: ShipmentScheduled;
}

export type EventEnvelope = IoEnsembleEvents.EventEnvelope;
export type EventType = keyof EventTypes;
export type EnsembleEvent = EventTypes[EventType];
