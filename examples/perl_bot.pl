#!/usr/bin/env perl
# A starter bot in Perl (core modules only): protocol capwars/1 over stdin/stdout.
#
#   capwars match --scenario tutorial --seed 1 --bot "cmd:perl examples/perl_bot.pl"
#   capwars validate "cmd:perl examples/perl_bot.pl"     # before a tournament: what to fix
#
# Strategy: expect last quarter's demand again (at turn 0, twice the reserved capacity the
# company starts with), hold about half of it under 4-quarter reserved contracts with the
# cheapest eligible provider, and buy the rest on the spot market with a limit price below
# what customers pay. docs/BOTS.md lists every field.
#
# stdout belongs to the protocol: log with `print STDERR` (or warn), never plain print.
use strict;
use warnings;
use JSON::PP;

$| = 1;    # flush stdout after every print: it is a pipe, which Perl would buffer

my $json = JSON::PP->new->canonical;
my $RESERVED_SHARE = 0.5;
my $SPOT_MARGIN = 0.8;

sub total { my $t = 0; $t += $_ for @_; return $t }
sub round2 { return 0 + sprintf("%.2f", $_[0]) }    # 0 + : a JSON number, not a string

sub act {
    my ($obs) = @_;
    my $me = $obs->{me};
    return () if $me->{status} ne 'active';
    my %mechanic = map { $_ => 1 } @{ $obs->{mechanics} };
    my @schedules = values %{ $me->{reserved_schedule} };
    my $reserved_now = total(map { $_->[0] } @schedules);
    my $reserved_next = total(map { $_->[1] // 0 } @schedules);
    my $owned = total(@{ $me->{chips_perf} });
    # null (undef) before the first quarter: nothing has happened yet
    my $demand = $me->{last}{demand} // 2 * $reserved_now;
    my $need = $demand * 1.05 / ($me->{training_share} < 0.8 ? 1 - $me->{training_share} : 0.2);
    my @eligible = grep { $_->{sovereign} || !$me->{sovereign_only} } @{ $obs->{providers} };
    return () unless @eligible;
    my @actions;

    if ($mechanic{reserved}) {
        my ($cheapest) = sort {
            $a->{reserved_price}{4} <=> $b->{reserved_price}{4} or $a->{id} cmp $b->{id}
        } @eligible;
        my $take = $RESERVED_SHARE * $need - $reserved_next - $owned;
        $take = $cheapest->{reserved_free} if $take > $cheapest->{reserved_free};
        if ($take > 0.5 && $take * $cheapest->{reserved_price}{4} < 0.4 * $me->{cash}) {
            push @actions, { type => 'reserve', provider => $cheapest->{id},
                             quantity => round2($take), term => 4 };
        }
    }
    if ($mechanic{spot}) {
        my $gap = $need - $reserved_now - $owned;
        my $limit = $me->{service_price} * $SPOT_MARGIN;
        my ($best) = sort { $a->{spot_price} <=> $b->{spot_price} or $a->{id} cmp $b->{id} }
                     @eligible;
        if ($gap > 0.2 && $limit > $best->{spot_floor}) {
            push @actions, { type => 'bid_spot', provider => $best->{id},
                             quantity => round2($gap), max_price => round2($limit) };
        }
    }
    # Last quarter's rejections come back with stable codes: log them for the author.
    print STDERR "rejected $_->[0]: $_->[1]: $_->[2]\n" for @{ $obs->{rejected} };
    return @actions;
}

sub send_message { print $json->encode($_[0]), "\n" }

while (my $line = <STDIN>) {    # one message a line
    next unless $line =~ /\S/;
    my $msg = $json->decode($line);
    if ($msg->{type} eq 'hello') {
        print STDERR "perl_bot: seat $msg->{seat}, $msg->{quarters} quarters\n";
        send_message({ type => 'ready', name => 'perl-steady' });
    } elsif ($msg->{type} eq 'turn') {
        my @actions = eval { act($msg->{observation}) };
        my %answer = (type => 'actions', turn => $msg->{turn}, actions => \@actions);
        if ($@) {    # hold this quarter rather than die, and tell the host what went wrong
            print STDERR $@;
            (my $error = $@) =~ s/\s+$//;
            $error =~ s{ at \S*/([^/\s]+ line \d+)}{ at $1}g;    # no folder: same everywhere
            $answer{error} = substr($error, 0, 500);
        }
        send_message(\%answer);
    } elsif ($msg->{type} eq 'end') {
        print STDERR "perl_bot: finished rank $msg->{rank}, score $msg->{score}\n";
        last;
    }
}
